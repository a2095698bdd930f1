import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { JobManagementService, RolloutService, type RolloutView, SoftwareImageService } from '@edgefleet/jobs';
import { validationFailed } from '@edgefleet/domain';
import { ApiKeyService, type Principal } from '@edgefleet/organizations';
import { Caller } from '../graphql/caller.decorator';
import { JobUpdatesBridge, changedTopic } from './job-updates.bridge';
import {
  CreateJobForDevicesInput,
  CreateJobForDevicesOutput,
  CreateRolloutInput,
  CreateRolloutOutput,
  DeviceJob,
  DeviceJobConnection,
  RegisterSoftwareImageInput,
  Rollout,
  RolloutProgress,
  SoftwareImage,
  UploadUrl,
} from './jobs.types';

type PubSub = { subscribe(topic: string): Promise<AsyncIterable<unknown>> };

@Resolver()
export class JobsResolver {
  constructor(
    private readonly images: SoftwareImageService,
    private readonly jobs: JobManagementService,
    private readonly rolloutService: RolloutService,
    private readonly apiKeys: ApiKeyService,
    private readonly bridge: JobUpdatesBridge,
  ) {}

  @Mutation(() => SoftwareImage, { description: 'Registers a software image version; then upload its file with createUploadUrl.' })
  registerSoftwareImage(@Caller() caller: Principal, @Args('input') input: RegisterSoftwareImageInput): Promise<SoftwareImage> {
    return this.images.register(caller, input);
  }

  @Mutation(() => UploadUrl, { description: "A short-lived signed URL accepting one PUT of the image's file." })
  createUploadUrl(@Caller() caller: Principal, @Args('version') version: string): Promise<UploadUrl> {
    return this.images.createUploadUrl(caller, version);
  }

  @Query(() => [SoftwareImage], { description: 'Software images of your organization, newest version first.' })
  softwareImages(@Caller() caller: Principal): Promise<SoftwareImage[]> {
    return this.images.list(caller);
  }

  @Mutation(() => CreateJobForDevicesOutput, { description: 'Panorama CreateJobForDevices: an OTA or REBOOT job per device.' })
  async createJobForDevices(@Caller() caller: Principal, @Args('input') input: CreateJobForDevicesInput): Promise<CreateJobForDevicesOutput> {
    const ota = input.deviceJobConfig?.otaJobConfig;
    if (input.deviceJobConfig?.deployApplicationConfig) {
      throw validationFailed('deviceJobConfig.deployApplicationConfig', 'deploy with createApplicationInstance, or with a DEPLOY_APPLICATION rollout.');
    }
    const jobs = await this.jobs.createJobForDevices(caller, input.deviceIds, {
      jobType: input.jobType,
      imageVersion: ota?.imageVersion ?? null,
      allowMajorVersionUpdate: ota?.allowMajorVersionUpdate ?? false,
    });
    return { jobs };
  }

  @Query(() => DeviceJob, { description: 'Panorama DescribeDeviceJob, with the timeline of the job.' })
  deviceJob(@Caller() caller: Principal, @Args('jobId') jobId: string): Promise<DeviceJob> {
    return this.jobs.describe(caller, jobId);
  }

  @Query(() => DeviceJobConnection, { description: 'Panorama ListDevicesJobs: newest first.' })
  devicesJobs(
    @Caller() caller: Principal,
    @Args('deviceId', { type: () => ID, nullable: true }) deviceId: string | null,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<DeviceJobConnection> {
    return this.jobs.list(caller, { deviceId, first, after });
  }

  @Mutation(() => DeviceJob, { description: 'Cancels a job its device has not started yet.' })
  cancelDeviceJob(@Caller() caller: Principal, @Args('jobId') jobId: string): Promise<DeviceJob> {
    return this.jobs.cancel(caller, jobId);
  }

  @Mutation(() => CreateRolloutOutput, { description: 'Creates a rollout (or, with dryRun, only reports which devices it would touch).' })
  async createRollout(@Caller() caller: Principal, @Args('input') input: CreateRolloutInput): Promise<CreateRolloutOutput> {
    const ota = input.deviceJobConfig?.otaJobConfig;
    const deploy = input.deviceJobConfig?.deployApplicationConfig;
    const spec = {
      name: input.name,
      jobType: input.jobType,
      imageVersion: ota?.imageVersion ?? null,
      deployment: deploy
        ? {
            manifestPayload: deploy.manifestPayload.payloadData,
            manifestOverridesPayload: deploy.manifestOverridesPayload?.payloadData ?? null,
            applicationInstanceName: deploy.applicationInstanceName ?? null,
            replaceApplicationInstanceName: deploy.replaceApplicationInstanceName ?? null,
          }
        : null,
      allowMajorVersionUpdate: ota?.allowMajorVersionUpdate ?? false,
      target: input.target as never,
      waves: input.waves,
      abortConfig: input.abortConfig,
      timeouts: input.timeouts,
      retries: input.retries ?? 0,
      maintenanceWindow: input.maintenanceWindow as never,
    };
    if (input.dryRun) return { rollout: null, dryRun: await this.rolloutService.dryRun(caller, spec) };
    return { rollout: (await this.rolloutService.create(caller, spec)) as unknown as Rollout, dryRun: null };
  }

  @Query(() => Rollout)
  rollout(@Caller() caller: Principal, @Args('id', { type: () => ID }) id: string): Promise<RolloutView> {
    return this.rolloutService.get(caller, id);
  }

  // Up to 100 rollouts, each counting its own progress: priced as 100 (see the query cost limit).
  @Query(() => [Rollout], { description: 'The 100 newest rollouts.', complexity: ({ childComplexity }) => 1 + 100 * childComplexity })
  rollouts(@Caller() caller: Principal): Promise<RolloutView[]> {
    return this.rolloutService.list(caller);
  }

  @Mutation(() => Rollout, { description: 'Stops creating jobs; jobs already created run on.' })
  pauseRollout(@Caller() caller: Principal, @Args('id', { type: () => ID }) id: string): Promise<RolloutView> {
    return this.rolloutService.pause(caller, id);
  }

  @Mutation(() => Rollout)
  resumeRollout(@Caller() caller: Principal, @Args('id', { type: () => ID }) id: string): Promise<RolloutView> {
    return this.rolloutService.resume(caller, id);
  }

  @Mutation(() => Rollout, { description: 'Cancels the rollout and its jobs that have not started.' })
  cancelRollout(@Caller() caller: Principal, @Args('id', { type: () => ID }) id: string): Promise<RolloutView> {
    return this.rolloutService.cancel(caller, id);
  }

  @Subscription(() => DeviceJob, { description: 'Fires when the job changes (graphql-ws, API key in connection_init).' })
  async *jobUpdated(@Caller() caller: Principal, @Context('pubsub') pubsub: PubSub, @Args('jobId') jobId: string) {
    yield* this.follow(pubsub, caller, 'jobUpdated', () => this.jobs.describe(caller, jobId), 'jobs', jobId);
  }

  @Subscription(() => Rollout, { description: "Fires when the rollout's progress changes (at most about once a second)." })
  async *rolloutProgress(@Caller() caller: Principal, @Context('pubsub') pubsub: PubSub, @Args('rolloutId', { type: () => ID }) rolloutId: string) {
    yield* this.follow(pubsub, caller, 'rolloutProgress', () => this.rolloutService.get(caller, rolloutId), 'rollouts', rolloutId);
  }

  /** The current state first, then one event per change, until the key is revoked or the client leaves. */
  private async *follow(pubsub: PubSub, caller: Principal, field: string, load: () => Promise<unknown>, kind: 'jobs' | 'rollouts', id: string) {
    const first = await load(); // NOT_FOUND for someone else's job or rollout, before anything is subscribed
    const release = this.bridge.watch(kind, id);
    try {
      const events = await pubsub.subscribe(changedTopic(kind, id));
      yield { [field]: first };
      for await (const _ of events) {
        if (!(await this.apiKeys.isActive(caller.apiKeyId))) return;
        yield { [field]: await load() };
      }
    } finally {
      release();
    }
  }
}

@Resolver(() => Rollout)
export class RolloutFieldsResolver {
  @ResolveField(() => RolloutProgress)
  progress(@Parent() rollout: RolloutView): Promise<RolloutProgress> {
    return rollout.progress();
  }
}
