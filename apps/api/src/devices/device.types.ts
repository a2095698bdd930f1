import { ArgsType, Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { DeviceView } from '@edgefleet/devices';
import { Tag, TagInput, toTags } from '../graphql/common.types';
import { Connection } from '../graphql/connection.types';
import { NetworkingConfiguration } from './provisioning.types';
import {
  DeviceAggregatedStatusEnum,
  DeviceBrandEnum,
  DeviceConnectionStatusEnum,
  DeviceSortByEnum,
  DeviceTypeEnum,
  NetworkConnectionStatusEnum,
  ProvisioningStatusEnum,
  SortOrderEnum,
} from '../graphql/enums';

@ObjectType({ description: 'One Ethernet port of a device.' })
export class EthernetStatus {
  @Field(() => String, { nullable: true, description: 'Address with prefix, e.g. 192.168.0.1/24, or "--".' }) ipAddress!: string | null;
  @Field(() => NetworkConnectionStatusEnum, { nullable: true }) connectionStatus!: string | null;
  @Field(() => String, { nullable: true }) hwAddress!: string | null;
}

@ObjectType()
export class NtpStatus {
  @Field(() => NetworkConnectionStatusEnum, { nullable: true }) connectionStatus!: string | null;
  @Field(() => String, { nullable: true }) ipAddress!: string | null;
  @Field(() => String, { nullable: true }) ntpServerName!: string | null;
}

@ObjectType({ description: "The device's network interfaces as it last reported them." })
export class NetworkStatus {
  @Field(() => EthernetStatus, { nullable: true }) ethernet0Status!: EthernetStatus | null;
  @Field(() => EthernetStatus, { nullable: true }) ethernet1Status!: EthernetStatus | null;
  @Field(() => NtpStatus, { nullable: true }) ntpStatus!: NtpStatus | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastUpdatedTime!: Date | null;
}

@ObjectType({ description: 'An edge appliance (Panorama DescribeDevice).' })
export class Device {
  @Field(() => ID) deviceId!: string;
  @Field() arn!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => DeviceTypeEnum) type!: string;
  @Field(() => DeviceBrandEnum) brand!: string;
  @Field(() => String, { nullable: true }) serialNumber!: string | null;
  @Field(() => ProvisioningStatusEnum) provisioningStatus!: string;
  @Field(() => String, { nullable: true, description: 'Why provisioning failed, when it did.' }) provisioningStatusReason!: string | null;
  @Field(() => DeviceConnectionStatusEnum) deviceConnectionStatus!: string;
  @Field(() => DeviceAggregatedStatusEnum) deviceAggregatedStatus!: string;
  @Field(() => String, { nullable: true }) currentSoftware!: string | null;
  @Field(() => String, { nullable: true, description: 'The newest software image registered for the organization.' })
  latestSoftware!: string | null;
  @Field(() => NetworkStatus, { nullable: true }) currentNetworkingStatus!: NetworkStatus | null;
  @Field(() => NetworkingConfiguration, { nullable: true }) networkingConfiguration!: NetworkingConfiguration | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) leaseExpirationTime!: Date | null;
  @Field(() => [Tag]) tags!: Tag[];
  @Field(() => GraphQLISODateTime, { nullable: true }) lastSeenAt!: Date | null;
  @Field(() => GraphQLISODateTime) createdTime!: Date;
  @Field(() => GraphQLISODateTime) lastUpdatedTime!: Date;
}

export function toDevice(v: DeviceView): Device {
  return {
    deviceId: v.deviceId,
    arn: v.arn,
    name: v.name,
    description: v.description,
    type: v.type,
    brand: v.brand,
    serialNumber: v.serialNumber,
    provisioningStatus: v.provisioningStatus,
    provisioningStatusReason: v.provisioningStatusReason,
    deviceConnectionStatus: v.deviceConnectionStatus,
    deviceAggregatedStatus: v.deviceAggregatedStatus,
    currentSoftware: v.currentSoftware,
    latestSoftware: v.latestSoftware,
    currentNetworkingStatus: networkStatus(v.currentNetworkingStatus),
    networkingConfiguration: (v.networkingConfiguration as NetworkingConfiguration | null) ?? null,
    leaseExpirationTime: v.leaseExpirationTime,
    tags: toTags(v.tags),
    lastSeenAt: v.lastSeenAt,
    createdTime: v.createdAt,
    lastUpdatedTime: v.updatedAt,
  };
}

/** The report as stored (JSON, its time an ISO string) as the type says (a Date, which DateTime serializes). */
function networkStatus(stored: unknown): NetworkStatus | null {
  if (!stored) return null;
  const s = stored as Omit<NetworkStatus, 'lastUpdatedTime'> & { lastUpdatedTime?: string | null };
  return { ...s, lastUpdatedTime: s.lastUpdatedTime ? new Date(s.lastUpdatedTime) : null };
}

@ObjectType({ description: 'A page of devices (Relay connection).' })
export class DeviceConnection extends Connection(Device) {
  /** Resolved by DeviceConnectionResolver, only when selected. */
  count!: () => Promise<number>;
}

@InputType()
export class DeviceFilterInput {
  @Field(() => ProvisioningStatusEnum, { nullable: true }) provisioningStatus?: string | null;
  @Field(() => DeviceConnectionStatusEnum, { nullable: true }) deviceConnectionStatus?: string | null;
  @Field(() => DeviceAggregatedStatusEnum, { nullable: true }) deviceAggregatedStatus?: (typeof DeviceAggregatedStatusEnum)[keyof typeof DeviceAggregatedStatusEnum] | null;
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the name.' }) nameContains?: string | null;
  @Field(() => [TagInput], { nullable: true, description: 'Every tag must match; a tag without value matches any value.' })
  tags?: TagInput[] | null;
}

@InputType()
export class DeviceOrderInput {
  @Field(() => DeviceSortByEnum) field!: keyof typeof DeviceSortByEnum;
  @Field(() => SortOrderEnum, { defaultValue: 'ASCENDING' }) order!: keyof typeof SortOrderEnum;
}

@ArgsType()
export class DevicesArgs {
  @Field(() => Int, { defaultValue: 20, description: 'Page size, 1 to 100.' }) first!: number;
  @Field(() => String, { nullable: true }) after?: string | null;
  @Field(() => DeviceFilterInput, { nullable: true }) filter?: DeviceFilterInput | null;
  @Field(() => DeviceOrderInput, { nullable: true }) orderBy?: DeviceOrderInput | null;
}

@ObjectType()
export class StatusCount {
  @Field(() => DeviceAggregatedStatusEnum) status!: string;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class SoftwareCount {
  @Field(() => String, { nullable: true, description: 'The version devices reported; null for devices that never reported one.' }) software!: string | null;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'The fleet at a glance: devices per aggregated status and per software version, most common first.' })
export class FleetSummary {
  @Field(() => Int) total!: number;
  @Field(() => [StatusCount]) byAggregatedStatus!: StatusCount[];
  @Field(() => [SoftwareCount]) bySoftware!: SoftwareCount[];
}
