import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '../graphql/connection.types';
import { enumOf } from '../graphql/enums';
import { ManifestPayloadInput } from '../applications/applications.types';
import { MaintenanceWindowInput, RolloutAbortInput, RolloutWavesInput } from '../jobs/jobs.types';

export const DeploymentStatusEnum = enumOf('DeploymentStatus', ['ACTIVE', 'CANCELED'] as const, 'A group deployment keeps its group running its current revision until it is canceled.');
export const FailureHandlingEnum = enumOf(
  'DeploymentFailureHandling',
  ['ROLLBACK', 'DO_NOTHING'] as const,
  "ROLLBACK: a revision whose health turns ERROR within healthCheckSeconds of running is replaced by the device's last revision that ran. DO_NOTHING: it stays. A revision that fails to start never replaces the one running, either way.",
);
export const DeviceDeploymentStateEnum = enumOf(
  'DeviceDeploymentState',
  ['PENDING', 'DEPLOYING', 'RUNNING', 'UNHEALTHY', 'OUTDATED', 'ROLLED_BACK', 'FAILED', 'SUPERSEDED', 'REMOVING', 'REMOVED'] as const,
  'A group deployment on one member: PENDING (nothing yet: its wave has not come), DEPLOYING (the current revision on its way; an offline device gets it on return), RUNNING or UNHEALTHY (the current revision runs), OUTDATED (an older revision runs, the new one has not reached it), ROLLED_BACK (an older revision runs again after the new one failed), FAILED (nothing runs), SUPERSEDED (a higher-priority deployment names the same application), REMOVING/REMOVED (canceled).',
);

@InputType({ description: 'AWS IoT CreateThingGroup, or CreateDynamicThingGroup with a queryString.' })
export class CreateThingGroupInput {
  @Field({ description: '1 to 128 of a-z, A-Z, 0-9, :, _ and -; unique in the organization.' }) thingGroupName!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Makes the group dynamic: its members are the devices this fleet-indexing query matches, followed as they change. Fields: thingName, deviceName, attributes.<tag> (or tags.<tag>), softwareVersion, deviceType, brand, provisioningStatus, connectivity.connected, connectivity.status; wildcards * and ?, ranges [a TO b], comparisons >, >=, <, <=, AND, OR, NOT and parentheses.',
  })
  queryString?: string | null;
}

@InputType({ description: 'AWS IoT UpdateThingGroup / UpdateDynamicThingGroup.' })
export class UpdateThingGroupInput {
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true, description: "A dynamic group's new query: its members are evaluated again." }) queryString?: string | null;
  @Field(() => Int, { nullable: true, description: 'Refused with VERSION_CONFLICT unless the group is at this version.' }) expectedVersion?: number | null;
}

@ObjectType({ description: 'An AWS IoT thing group of devices: static (members added and removed) or dynamic (its query decides).' })
export class ThingGroup {
  @Field() thingGroupName!: string;
  @Field() thingGroupArn!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true, description: "A dynamic group's query; null for a static group." }) queryString!: string | null;
  @Field() dynamic!: boolean;
  @Field(() => Int) version!: number;
  @Field(() => Int, { description: 'Devices in it now.' }) memberCount!: number;
  @Field(() => GraphQLISODateTime) creationDate!: Date;
}

@ObjectType()
export class ThingGroupConnection extends Connection(ThingGroup) {}

@ObjectType()
export class ThingGroupMember {
  @Field(() => ID) deviceId!: string;
  @Field() name!: string;
  @Field(() => GraphQLISODateTime, { description: 'When it joined.' }) addedAt!: Date;
}

@ObjectType()
export class ThingGroupMemberConnection extends Connection(ThingGroupMember) {}

@InputType({ description: 'How a revision reaches the members: waves, rate, abort threshold, window. Without one, a revision takes the previous one\'s (100 devices first, doubling, by default).' })
export class RevisionRolloutInput {
  @Field(() => RolloutWavesInput, { nullable: true }) waves?: RolloutWavesInput | null;
  @Field(() => RolloutAbortInput, { nullable: true }) abortConfig?: RolloutAbortInput | null;
  @Field(() => MaintenanceWindowInput, { nullable: true }) maintenanceWindow?: MaintenanceWindowInput | null;
}

@InputType({ description: "A group deployment's revision: the application (as createApplicationInstance takes it) and how it rolls out." })
export class DeploymentRevisionInput {
  @Field(() => ManifestPayloadInput) manifestPayload!: ManifestPayloadInput;
  @Field(() => ManifestPayloadInput, { nullable: true }) manifestOverridesPayload?: ManifestPayloadInput | null;
  @Field(() => String, {
    nullable: true,
    description: "A software image version the devices run this revision on: a device behind it gets an OTA job first and the application once it runs the version (devices on it or newer deploy at once).",
  })
  softwareVersion?: string | null;
  @Field(() => RevisionRolloutInput, { nullable: true }) rollout?: RevisionRolloutInput | null;
}

@InputType({ description: "A continuous deployment: the group's members run its application, devices that join included." })
export class CreateDeploymentInput extends DeploymentRevisionInput {
  @Field({ description: 'Unique in the organization.' }) deploymentName!: string;
  @Field() thingGroupName!: string;
  @Field(() => String, { nullable: true, description: "The application instance's name on each device (the deployment's name by default). Deployments naming the same one conflict where their groups overlap." })
  applicationInstanceName?: string | null;
  @Field(() => Int, { nullable: true, defaultValue: 0, description: 'On a conflict the higher priority applies (0 to 1000).' }) priority?: number | null;
  @Field(() => FailureHandlingEnum, { nullable: true, defaultValue: 'ROLLBACK' }) failureHandling?: 'ROLLBACK' | 'DO_NOTHING' | null;
  @Field(() => Int, { nullable: true, defaultValue: 60, description: 'With ROLLBACK: how long after a revision runs an ERROR health rolls it back (10 to 86400 s).' }) healthCheckSeconds?: number | null;
}

@ObjectType()
export class DeploymentRevision {
  @Field(() => Int) revision!: number;
  @Field({ description: 'The manifest (JSON text).' }) manifestPayload!: string;
  @Field(() => String, { nullable: true }) manifestOverridesPayload!: string | null;
  @Field(() => String, { nullable: true, description: 'The software version devices update to before they run it.' }) softwareVersion!: string | null;
  @Field(() => ID, { description: 'The rollout that takes it to the members (see rollout(id)).' }) rolloutId!: string;
  @Field() actor!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@ObjectType({ description: "A continuous deployment to a thing group." })
export class Deployment {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() thingGroupName!: string;
  @Field() applicationInstanceName!: string;
  @Field(() => Int) priority!: number;
  @Field(() => FailureHandlingEnum) failureHandling!: string;
  @Field(() => Int) healthCheckSeconds!: number;
  @Field(() => DeploymentStatusEnum) status!: string;
  @Field(() => Int) currentRevision!: number;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) canceledAt!: Date | null;
  @Field(() => [DeploymentRevision], { description: 'Every revision, newest first.' }) revisions!: DeploymentRevision[];
}

@ObjectType()
export class DeploymentConnection extends Connection(Deployment) {}

@ObjectType({ description: 'The deployment on one member device.' })
export class DeviceDeployment {
  @Field(() => ID) deviceId!: string;
  @Field() deviceName!: string;
  @Field(() => DeviceDeploymentStateEnum) state!: string;
  @Field(() => Int, { nullable: true, description: 'The revision running on the device.' }) revision!: number | null;
  @Field(() => String, { nullable: true }) applicationInstanceId!: string | null;
  @Field(() => String, { nullable: true, description: "The newest attempt's status description (why it failed or was rolled back)." }) statusDescription!: string | null;
}

@ObjectType()
export class DeviceDeploymentConnection extends Connection(DeviceDeployment) {}
