import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { ClipService } from '@edgefleet/clips';
import { DeviceService } from '@edgefleet/devices';
import { ApiKeyService, type Principal } from '@edgefleet/organizations';
import { PackageService } from '@edgefleet/packages';
import { ProvisioningService } from '@edgefleet/provisioning';
import { Caller } from '../graphql/caller.decorator';
import { Tag, TagInput, toTags } from '../graphql/common.types';
import { deviceUpdatedTopics } from './device-updates.bridge';
import { Device, DeviceConnection, DevicesArgs, FleetSummary, toDevice } from './device.types';

@Resolver(() => Device)
export class DeviceResolver {
  constructor(
    private readonly deviceService: DeviceService,
    private readonly apiKeys: ApiKeyService,
    private readonly provisioning: ProvisioningService,
    private readonly packages: PackageService,
    private readonly clips: ClipService,
  ) {}

  @Query(() => DeviceConnection, { description: 'Devices of your organization (Panorama ListDevices).' })
  async devices(@Caller() caller: Principal, @Args() args: DevicesArgs): Promise<DeviceConnection> {
    const page = await this.deviceService.list(caller, args);
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toDevice(e.node) })) };
  }

  @Query(() => FleetSummary, { description: 'Devices of your organization per aggregated status and per software version.' })
  fleetSummary(@Caller() caller: Principal): Promise<FleetSummary> {
    return this.deviceService.summary(caller);
  }

  @Query(() => Device, { description: 'One device (Panorama DescribeDevice).' })
  async device(@Caller() caller: Principal, @Args('deviceId', { type: () => ID }) deviceId: string): Promise<Device> {
    return toDevice(await this.deviceService.get(caller, deviceId));
  }

  @Mutation(() => Device, { description: 'Changes the description; the name can never change.' })
  async updateDeviceMetadata(
    @Caller() caller: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('description', { type: () => String, nullable: true }) description: string | null,
  ): Promise<Device> {
    return toDevice(await this.deviceService.updateMetadata(caller, deviceId, description ?? null));
  }

  @Mutation(() => [Tag], { description: "Adds or replaces tags on a resource; returns the resource's tags." })
  async tagResource(
    @Caller() caller: Principal,
    @Args('resourceArn') resourceArn: string,
    @Args('tags', { type: () => [TagInput] }) tags: TagInput[],
  ): Promise<Tag[]> {
    const owner = this.packages.isPackageArn(resourceArn) ? this.packages : this.deviceService;
    return toTags(await owner.tagResource(caller, resourceArn, tags));
  }

  @Mutation(() => [Tag], { description: "Removes tags by key; returns the resource's remaining tags." })
  async untagResource(
    @Caller() caller: Principal,
    @Args('resourceArn') resourceArn: string,
    @Args('tagKeys', { type: () => [String] }) tagKeys: string[],
  ): Promise<Tag[]> {
    const owner = this.packages.isPackageArn(resourceArn) ? this.packages : this.deviceService;
    return toTags(await owner.untagResource(caller, resourceArn, tagKeys));
  }

  @Subscription(() => Device, {
    description: 'Fires when a device of your organization changes connection status, software or networking (graphql-ws; send the API key as connection_init payload {authorization: "Bearer <key>"}).',
  })
  async *deviceUpdated(
    @Caller() caller: Principal,
    @Context('pubsub') pubsub: { subscribe(topic: string): Promise<AsyncIterable<unknown>> },
    @Args('deviceId', { type: () => ID, nullable: true, description: 'Only this device.' }) deviceId?: string | null,
  ) {
    for await (const event of await pubsub.subscribe(deviceUpdatedTopics(caller.organizationId, deviceId))) {
      // A key revoked while subscribed ends the subscription at its next event.
      if (!(await this.apiKeys.isActive(caller.apiKeyId))) return;
      yield event;
    }
  }

  @Mutation(() => Device, {
    description: "Deregisters a device: it moves to DELETING at once; the worker then revokes its certificates and removes it. Its camera clips are kept (clips(deviceId) lists them) unless deleteClips.",
  })
  async deleteDevice(
    @Caller() caller: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('deleteClips', { type: () => Boolean, defaultValue: false }) deleteClips: boolean,
  ): Promise<Device> {
    const device = toDevice(await this.provisioning.deprovisionDevice(caller, deviceId));
    if (deleteClips) await this.clips.deleteOfDevice(caller, { deviceId });
    return device;
  }
}

@Resolver(() => DeviceConnection)
export class DeviceConnectionResolver {
  @ResolveField(() => Int, { description: 'Devices matching the filter, across all pages.' })
  totalCount(@Parent() connection: DeviceConnection): Promise<number> {
    return connection.count();
  }
}
