import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { TagInput } from '../graphql/common.types';
import { Connection } from '../graphql/connection.types';
import { GraphQLJSON } from '../graphql/json.scalar';
import { DeviceJobStatusEnum, DeviceJobTypeEnum, RolloutJobTypeEnum, JobExecutionStatusEnum, RolloutStatusEnum } from '../graphql/enums';
import { DeviceFilterInput } from '../devices/device.types';
import { ManifestPayloadInput } from '../applications/applications.types';

@ObjectType({ description: 'A software image devices can be updated to.' })
export class SoftwareImage {
  @Field(() => ID) id!: string;
  @Field() version!: string;
  @Field(() => String, { nullable: true }) releaseNotes!: string | null;
  @Field() majorVersionUpdate!: boolean;
  @Field(() => String, { nullable: true, description: 'Hex SHA-256 of the uploaded file; null until uploaded.' }) sha256!: string | null;
  @Field(() => Float, { nullable: true, description: 'Bytes.' }) size!: number | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) uploadedAt!: Date | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@InputType()
export class RegisterSoftwareImageInput {
  @Field({ description: 'Dotted numbers, e.g. 4.3.55.' }) version!: string;
  @Field(() => String, { nullable: true }) releaseNotes?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Devices need allowMajorVersionUpdate to install it.' }) majorVersionUpdate?: boolean | null;
}

@ObjectType({ description: 'A short-lived signed URL: PUT the image file to it (Content-Type: application/octet-stream).' })
export class UploadUrl {
  @Field() url!: string;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
}

@InputType()
export class OtaJobConfigInput {
  @Field() imageVersion!: string;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) allowMajorVersionUpdate?: boolean | null;
}

@InputType({ description: 'What a deployment rollout deploys on each device.' })
export class DeployApplicationConfigInput {
  @Field(() => ManifestPayloadInput) manifestPayload!: ManifestPayloadInput;
  @Field(() => ManifestPayloadInput, { nullable: true }) manifestOverridesPayload?: ManifestPayloadInput | null;
  @Field(() => String, { nullable: true, description: 'The name of the new instances.' }) applicationInstanceName?: string | null;
  @Field(() => String, { nullable: true, description: "On each device, the instance of this name is replaced (it keeps running if the new one fails)." }) replaceApplicationInstanceName?: string | null;
}

@InputType()
export class DeviceJobConfigInput {
  @Field(() => OtaJobConfigInput, { nullable: true }) otaJobConfig?: OtaJobConfigInput | null;
  @Field(() => DeployApplicationConfigInput, { nullable: true, description: 'For DEPLOY_APPLICATION rollouts.' }) deployApplicationConfig?: DeployApplicationConfigInput | null;
}

@InputType()
export class CreateJobForDevicesInput {
  @Field(() => [ID], { description: '1 to 10,000 devices of your organization.' }) deviceIds!: string[];
  @Field(() => DeviceJobTypeEnum) jobType!: 'OTA' | 'REBOOT';
  @Field(() => DeviceJobConfigInput, { nullable: true }) deviceJobConfig?: DeviceJobConfigInput | null;
}

@ObjectType()
export class CreatedJob {
  @Field() jobId!: string;
  @Field(() => ID) deviceId!: string;
}

@ObjectType()
export class CreateJobForDevicesOutput {
  @Field(() => [CreatedJob]) jobs!: CreatedJob[];
}

@ObjectType({ description: 'One change of a job: who, from, to, why, when.' })
export class JobTimelineEvent {
  @Field(() => String, { nullable: true }) from!: string | null;
  @Field() to!: string;
  @Field() actor!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => GraphQLISODateTime) at!: Date;
}

@ObjectType({ description: 'A device job (Panorama DescribeDeviceJob).' })
export class DeviceJob {
  @Field() jobId!: string;
  @Field(() => ID) deviceId!: string;
  @Field() deviceArn!: string;
  @Field() deviceName!: string;
  @Field() deviceType!: string;
  @Field(() => DeviceJobTypeEnum) jobType!: string;
  @Field(() => String, { nullable: true }) imageVersion!: string | null;
  @Field(() => DeviceJobStatusEnum) status!: string;
  @Field(() => JobExecutionStatusEnum) executionStatus!: string;
  @Field(() => GraphQLJSON, { description: 'What the device last reported (statusDetails of AWS IoT Jobs).' }) statusDetails!: Record<string, string>;
  @Field(() => String, { nullable: true, description: 'Why the job failed, timed out, was rejected or canceled.' }) statusReason!: string | null;
  @Field(() => Int, { description: 'Executions started so far.' }) attempts!: number;
  @Field(() => Int) executionNumber!: number;
  @Field(() => ID, { nullable: true }) rolloutId!: string | null;
  @Field(() => GraphQLISODateTime) createdTime!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) startedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) completedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the current step times out.' }) timeoutAt!: Date | null;
  @Field(() => [JobTimelineEvent]) timeline!: JobTimelineEvent[];
}

@ObjectType({ description: 'A page of device jobs, newest first (Relay connection).' })
export class DeviceJobConnection extends Connection(DeviceJob) {}

@InputType()
export class RolloutTargetInput {
  @Field(() => [ID], { nullable: true }) deviceIds?: string[] | null;
  @Field(() => [TagInput], { nullable: true, description: 'Devices having every tag.' }) tags?: TagInput[] | null;
  @Field(() => DeviceFilterInput, { nullable: true }) filter?: DeviceFilterInput | null;
  @Field(() => String, { nullable: true, description: "A thing group's members, as they are when each wave starts." }) thingGroupName?: string | null;
}

@InputType()
export class RolloutWavesInput {
  @Field(() => Int) initialSize!: number;
  @Field(() => Float, { defaultValue: 2 }) growthFactor!: number;
  @Field(() => Int, { nullable: true, description: 'Jobs created per minute at most.' }) maxPerMinute?: number | null;
}

@InputType()
export class RolloutAbortInput {
  @Field(() => Float) failurePercent!: number;
  @Field(() => Int) minExecutedForAbort!: number;
}

@InputType()
export class JobTimeoutsInput {
  @Field(() => Int, { nullable: true }) queuedSeconds?: number | null;
  @Field(() => Int, { nullable: true }) inProgressSeconds?: number | null;
  @Field(() => Int, { nullable: true }) rebootingSeconds?: number | null;
}

@InputType({ description: 'Either cron + durationMinutes, or a daily start and end (HH:MM), in timezone.' })
export class MaintenanceWindowInput {
  @Field(() => String, { nullable: true }) cron?: string | null;
  @Field(() => Int, { nullable: true }) durationMinutes?: number | null;
  @Field(() => String, { nullable: true }) start?: string | null;
  @Field(() => String, { nullable: true }) end?: string | null;
  @Field(() => String, { nullable: true, defaultValue: 'UTC' }) timezone?: string | null;
}

@InputType()
export class CreateRolloutInput {
  @Field() name!: string;
  @Field(() => RolloutJobTypeEnum) jobType!: 'OTA' | 'REBOOT' | 'DEPLOY_APPLICATION';
  @Field(() => DeviceJobConfigInput, { nullable: true }) deviceJobConfig?: DeviceJobConfigInput | null;
  @Field(() => RolloutTargetInput) target!: RolloutTargetInput;
  @Field(() => RolloutWavesInput) waves!: RolloutWavesInput;
  @Field(() => RolloutAbortInput, { nullable: true }) abortConfig?: RolloutAbortInput | null;
  @Field(() => JobTimeoutsInput, { nullable: true }) timeouts?: JobTimeoutsInput | null;
  @Field(() => Int, { nullable: true, defaultValue: 0, description: 'Further executions of a job that failed or timed out.' }) retries?: number | null;
  @Field(() => MaintenanceWindowInput, { nullable: true }) maintenanceWindow?: MaintenanceWindowInput | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Only report which devices would be touched.' }) dryRun?: boolean | null;
}

@ObjectType({ description: 'Jobs of a rollout by status.' })
export class RolloutProgress {
  @Field(() => Int, { description: 'Devices the rollout covers: jobs created plus devices still to come.' }) targeted!: number;
  @Field(() => Int) queued!: number;
  @Field(() => Int) inProgress!: number;
  @Field(() => Int) succeeded!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) timedOut!: number;
  @Field(() => Int) canceled!: number;
  @Field(() => Int, { description: 'Refused by the device, or not eligible (e.g. already on the version).' }) rejected!: number;
  @Field(() => Int, { description: 'Queued jobs whose device is offline: they wait for it to come back.' }) offline!: number;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Until when the queued jobs of offline devices wait for them (then they time out).' }) offlineUntil!: Date | null;
}

@ObjectType()
export class Rollout {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => RolloutJobTypeEnum) jobType!: string;
  @Field(() => String, { nullable: true }) imageVersion!: string | null;
  @Field(() => RolloutStatusEnum) status!: string;
  @Field(() => String, { nullable: true }) statusReason!: string | null;
  @Field(() => Int, { description: '0-based index of the wave being created or run.' }) currentWave!: number;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) startedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) completedAt!: Date | null;
  @Field(() => RolloutProgress) progress!: RolloutProgress;
}

@ObjectType()
export class DryRunDevice {
  @Field(() => ID) deviceId!: string;
  @Field() name!: string;
  @Field() online!: boolean;
}

@ObjectType({ description: 'What a rollout would do: nothing was created.' })
export class RolloutDryRun {
  @Field(() => [DryRunDevice]) devices!: DryRunDevice[];
  @Field(() => Int) targeted!: number;
  @Field(() => Int) offline!: number;
}

@ObjectType()
export class CreateRolloutOutput {
  @Field(() => Rollout, { nullable: true, description: 'The rollout (null for a dry run).' }) rollout!: Rollout | null;
  @Field(() => RolloutDryRun, { nullable: true }) dryRun!: RolloutDryRun | null;
}
