import { ArgsType, Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { APPLICATION_HEALTH_STATUSES, APPLICATION_INSTANCE_STATUSES, NODE_INSTANCE_STATUSES, NODE_SIGNALS } from '@edgefleet/domain';
import { Tag, TagInput } from '../graphql/common.types';
import { Connection } from '../graphql/connection.types';
import { enumOf } from '../graphql/enums';

export const ApplicationInstanceStatusEnum = enumOf('ApplicationInstanceStatus', APPLICATION_INSTANCE_STATUSES, "Panorama's deployment and removal steps.");
export const ApplicationInstanceHealthStatusEnum = enumOf('ApplicationInstanceHealthStatus', APPLICATION_HEALTH_STATUSES, 'What the device says of the running instance.');
export const NodeInstanceStatusEnum = enumOf('NodeInstanceStatus', NODE_INSTANCE_STATUSES, 'What the device says of one node.');
export const NodeSignalEnum = enumOf('NodeSignal', NODE_SIGNALS, 'PAUSE stops a node (a camera stream, say); RESUME runs it again.');
export const StatusFilterEnum = enumOf(
  'ApplicationInstanceStatusFilter',
  ['DEPLOYMENT_SUCCEEDED', 'DEPLOYMENT_ERROR', 'DEPLOYMENT_FAILED', 'REMOVAL_SUCCEEDED', 'REMOVAL_FAILED', 'PROCESSING_DEPLOYMENT', 'PROCESSING_REMOVAL'] as const,
  "Panorama ListApplicationInstances' StatusFilter.",
);

@InputType({ description: 'A JSON document as text, as Panorama wraps it ({"PayloadData": "…"}); at most 51,200 characters.' })
export class ManifestPayloadInput {
  @Field() payloadData!: string;
}

@InputType()
export class CreateApplicationInstanceInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => ManifestPayloadInput, { description: "The application manifest (graph.json's nodeGraph)." }) manifestPayload!: ManifestPayloadInput;
  @Field(() => ManifestPayloadInput, { nullable: true, description: 'Deploy-time overrides (nodeGraphOverrides): cameras, parameters, ports.' }) manifestOverridesPayload?: ManifestPayloadInput | null;
  @Field({ description: 'The device to run on.' }) defaultRuntimeContextDevice!: string;
  @Field(() => String, { nullable: true }) runtimeRoleArn?: string | null;
  @Field(() => String, { nullable: true, description: 'An instance on the same device this one replaces; if the new one fails, the old one keeps running.' }) applicationInstanceIdToReplace?: string | null;
  @Field(() => [TagInput], { nullable: true }) tags?: TagInput[] | null;
}

@ObjectType()
export class ManifestPayload {
  @Field() payloadData!: string;
}

@ObjectType({ description: 'Panorama DescribeApplicationInstance.' })
export class ApplicationInstance {
  @Field() applicationInstanceId!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field() defaultRuntimeContextDevice!: string;
  @Field(() => ApplicationInstanceStatusEnum) status!: string;
  @Field(() => ApplicationInstanceHealthStatusEnum) healthStatus!: string;
  @Field(() => String, { nullable: true }) statusDescription!: string | null;
  @Field(() => String, { nullable: true }) runtimeRoleArn!: string | null;
  @Field(() => String, { nullable: true }) applicationInstanceIdToReplace!: string | null;
  @Field(() => ManifestPayload, { description: 'The manifest it runs.' }) manifestPayload!: ManifestPayload;
  @Field(() => ManifestPayload, { nullable: true }) manifestOverridesPayload!: ManifestPayload | null;
  @Field(() => [Tag]) tags!: Tag[];
  @Field(() => Int, { description: 'Every how many seconds the device sends its last output frame (applicationInstanceLastFrame); 0: never.' }) snapshotIntervalSeconds!: number;
  @Field(() => GraphQLISODateTime) createdTime!: Date;
  @Field(() => GraphQLISODateTime) lastUpdatedTime!: Date;
  /** The group deployment it belongs to (see deploymentName). */
  deploymentId?: string | null;
  @Field(() => Int, { nullable: true, description: 'The revision of its group deployment, if a group deployment owns it.' }) deploymentRevision!: number | null;
}

@ObjectType({ description: "The last frame an application put on its video output, as its device sent it while snapshots were on: a JPEG with the application's labels and boxes drawn." })
export class ApplicationFrame {
  @Field({ description: 'The camera (node) the frame came from.' }) streamId!: string;
  @Field(() => GraphQLISODateTime) capturedAt!: Date;
  @Field(() => [String], { description: 'The labels the application drew, as text.' }) labels!: string[];
  @Field({ description: 'The JPEG, base64.' }) jpegBase64!: string;
}

@ObjectType()
export class ApplicationInstanceConnection extends Connection(ApplicationInstance) {}

@InputType()
export class ApplicationInstanceFilterInput {
  @Field(() => ID, { nullable: true }) deviceId?: string | null;
  @Field(() => StatusFilterEnum, { nullable: true }) statusFilter?: string | null;
}

@ObjectType({ description: 'Panorama ListApplicationInstanceNodeInstances.' })
export class NodeInstance {
  @Field() nodeInstanceId!: string;
  @Field() nodeId!: string;
  @Field() packageName!: string;
  @Field() packageVersion!: string;
  @Field() packagePatchVersion!: string;
  @Field() nodeName!: string;
  @Field(() => NodeInstanceStatusEnum) currentStatus!: string;
  @Field(() => String, { nullable: true, description: 'Why the node is in ERROR, as the device says.' }) statusReason!: string | null;
}

@ObjectType({ description: 'Panorama ListApplicationInstanceDependencies: a package version the instance runs.' })
export class PackageDependency {
  @Field() packageName!: string;
  @Field() packageVersion!: string;
  @Field(() => String, { nullable: true }) patchVersion!: string | null;
}

@InputType()
export class NodeSignalInput {
  @Field() nodeInstanceId!: string;
  @Field(() => NodeSignalEnum) signal!: 'PAUSE' | 'RESUME';
}

@ObjectType({ description: 'One log line, as CloudWatch Logs GetLogEvents gives it.' })
export class LogEvent {
  @Field() logGroup!: string;
  @Field() logStream!: string;
  @Field(() => GraphQLISODateTime) timestamp!: Date;
  @Field() message!: string;
  @Field(() => GraphQLISODateTime) ingestionTime!: Date;
}

@ObjectType()
export class LogEventConnection extends Connection(LogEvent) {}

@ArgsType()
export class LogWindowArgs {
  @Field(() => Int, { nullable: true, description: 'Lines from the oldest (1 to 100; 100 when neither first nor last is given).' }) first?: number | null;
  @Field(() => String, { nullable: true }) after?: string | null;
  @Field(() => Int, { nullable: true, description: 'The newest lines instead (1 to 100), as `tail` shows them.' }) last?: number | null;
  @Field(() => String, { nullable: true, description: 'With last: lines before this cursor (a startCursor).' }) before?: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Only lines at or after this time.' }) since?: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Only lines before this time.' }) until?: Date | null;
}
