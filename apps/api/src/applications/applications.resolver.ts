import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { ApplicationInstanceService, GroupDeployments, LogService } from '@edgefleet/applications';
import { DeviceService } from '@edgefleet/devices';
import { ApiKeyService, type Principal } from '@edgefleet/organizations';
import { Caller } from '../graphql/caller.decorator';
import { toInstance, updatedTopic } from './application-updates.bridge';
import {
  ApplicationFrame,
  ApplicationInstance,
  ApplicationInstanceConnection,
  ApplicationInstanceFilterInput,
  CreateApplicationInstanceInput,
  LogEventConnection,
  LogWindowArgs,
  NodeInstance,
  NodeSignalInput,
  PackageDependency,
} from './applications.types';

/** Application instances (Panorama's CreateApplicationInstance and the calls around it) and the logs of devices and applications. */
@Resolver()
export class ApplicationsResolver {
  constructor(
    private readonly instances: ApplicationInstanceService,
    private readonly logs: LogService,
    private readonly apiKeys: ApiKeyService,
  ) {}

  @Mutation(() => ApplicationInstance, { description: 'Panorama CreateApplicationInstance: checks the manifest now; a worker deploys it to the device through its applications shadow.' })
  async createApplicationInstance(@Caller() caller: Principal, @Args('input') input: CreateApplicationInstanceInput): Promise<ApplicationInstance> {
    return toInstance(await this.instances.create(caller, input));
  }

  @Query(() => ApplicationInstanceConnection, { description: 'Panorama ListApplicationInstances: newest first.' })
  async applicationInstances(
    @Caller() caller: Principal,
    @Args('filter', { type: () => ApplicationInstanceFilterInput, nullable: true }) filter: ApplicationInstanceFilterInput | null,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<ApplicationInstanceConnection> {
    const page = await this.instances.list(caller, { deviceId: filter?.deviceId, statusFilter: filter?.statusFilter, first, after });
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toInstance(e.node) })) };
  }

  @Query(() => ApplicationInstance, { description: 'Panorama DescribeApplicationInstance, with the manifest and overrides it runs.' })
  async applicationInstance(@Caller() caller: Principal, @Args('applicationInstanceId') id: string): Promise<ApplicationInstance> {
    return toInstance(await this.instances.get(caller, id));
  }

  @Query(() => [PackageDependency], { description: 'Panorama ListApplicationInstanceDependencies.' })
  async applicationInstanceDependencies(@Caller() caller: Principal, @Args('applicationInstanceId') id: string): Promise<PackageDependency[]> {
    return (await this.instances.dependencies(caller, id)).map((p) => ({ packageName: p.name, packageVersion: p.version, patchVersion: p.patchVersion }));
  }

  @Query(() => [NodeInstance], { description: 'Panorama ListApplicationInstanceNodeInstances.' })
  applicationInstanceNodeInstances(@Caller() caller: Principal, @Args('applicationInstanceId') id: string): Promise<NodeInstance[]> {
    return this.instances.nodeInstances(caller, id);
  }

  @Mutation(() => ApplicationInstance, { description: 'Panorama RemoveApplicationInstance: the device stops it and removes it.' })
  async removeApplicationInstance(@Caller() caller: Principal, @Args('applicationInstanceId') id: string): Promise<ApplicationInstance> {
    return toInstance(await this.instances.remove(caller, id));
  }

  @Mutation(() => ApplicationInstance, { description: 'Panorama SignalApplicationInstanceNodeInstances: PAUSE or RESUME nodes (camera streams).' })
  async signalApplicationInstanceNodeInstances(
    @Caller() caller: Principal,
    @Args('applicationInstanceId') id: string,
    @Args('nodeSignals', { type: () => [NodeSignalInput] }) nodeSignals: NodeSignalInput[],
  ): Promise<ApplicationInstance> {
    return toInstance(await this.instances.signal(caller, id, nodeSignals));
  }

  @Mutation(() => ApplicationInstance, { description: "Snapshots of the application's output, on demand: every intervalSeconds (5 to 3600) its device sends the last frame its code put on video_out, labels drawn; 0 stops them and forgets the last one. No frame leaves a device unless asked." })
  async setApplicationInstanceSnapshots(@Caller() caller: Principal, @Args('applicationInstanceId') id: string, @Args('intervalSeconds', { type: () => Int }) intervalSeconds: number): Promise<ApplicationInstance> {
    return toInstance(await this.instances.setSnapshots(caller, id, intervalSeconds));
  }

  @Query(() => ApplicationFrame, { nullable: true, description: 'The last output frame the device sent (while snapshots are on), or null.' })
  async applicationInstanceLastFrame(@Caller() caller: Principal, @Args('applicationInstanceId') id: string): Promise<ApplicationFrame | null> {
    const frame = await this.instances.lastFrame(caller, id);
    return frame && { streamId: frame.streamId, capturedAt: frame.capturedAt, labels: frame.labels as string[], jpegBase64: Buffer.from(frame.jpeg).toString('base64') };
  }

  @Query(() => LogEventConnection, { description: "A device's own logs (/aws/panorama/devices/<deviceId>): `first` lines from the oldest (after `after`), or the newest `last` (before `before`), as `tail` shows them; each page oldest first." })
  deviceLogs(@Caller() caller: Principal, @Args('deviceId', { type: () => ID }) deviceId: string, @Args('logStream', { type: () => String, nullable: true }) logStream: string | null, @Args() window: LogWindowArgs): Promise<LogEventConnection> {
    return this.logs.deviceLogs(caller, { deviceId, logStream, ...window });
  }

  @Query(() => LogEventConnection, { description: "An application's node output (/aws/panorama/devices/<deviceId>/applications/<id>, a stream per node and console_output): `first` from the oldest, or the newest `last`; each page oldest first." })
  applicationInstanceLogs(
    @Caller() caller: Principal,
    @Args('applicationInstanceId') applicationInstanceId: string,
    @Args('nodeName', { type: () => String, nullable: true }) nodeName: string | null,
    @Args() window: LogWindowArgs,
  ): Promise<LogEventConnection> {
    return this.logs.applicationInstanceLogs(caller, { applicationInstanceId, nodeName, ...window });
  }

  @Subscription(() => ApplicationInstance, { description: "Fires when an application instance of the device changes status, health or nodes (graphql-ws)." })
  async *applicationInstanceUpdated(@Caller() caller: Principal, @Context('pubsub') pubsub: { subscribe(topic: string): Promise<AsyncIterable<unknown>> }, @Args('deviceId', { type: () => ID }) deviceId: string) {
    for await (const event of await pubsub.subscribe(updatedTopic(caller.organizationId, deviceId))) {
      if (!(await this.apiKeys.isActive(caller.apiKeyId))) return;
      yield event;
    }
  }
}

/** Fields of an instance read only when asked for: its node instances, and the name of its device (people read names, not ids). */
@Resolver(() => ApplicationInstance)
export class ApplicationInstanceFieldsResolver {
  constructor(
    private readonly instances: ApplicationInstanceService,
    private readonly devices: DeviceService,
    private readonly groupDeployments: GroupDeployments,
  ) {}

  @ResolveField(() => String, { nullable: true, description: 'The group deployment that owns it (and decides its revision), if any.' })
  deploymentName(@Caller() caller: Principal, @Parent() instance: ApplicationInstance): Promise<string | null> {
    return instance.deploymentId ? this.groupDeployments.nameOf(caller, instance.deploymentId) : Promise.resolve(null);
  }

  @ResolveField(() => [NodeInstance], { description: 'Its node instances and their status (as applicationInstanceNodeInstances).' })
  nodeInstances(@Caller() caller: Principal, @Parent() instance: ApplicationInstance): Promise<NodeInstance[]> {
    return this.instances.nodeInstances(caller, instance.applicationInstanceId);
  }

  @ResolveField(() => String, { nullable: true, description: "The name of its device (DefaultRuntimeContextDeviceName); null once the device is deleted." })
  defaultRuntimeContextDeviceName(@Caller() caller: Principal, @Parent() instance: ApplicationInstance): Promise<string | null> {
    return this.devices.get(caller, instance.defaultRuntimeContextDevice).then((d) => d.name, () => null);
  }
}
