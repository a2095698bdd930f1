import { Field, GraphQLISODateTime, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { TagInput } from '../graphql/common.types';
import { DeviceBrandEnum, ProvisioningStatusEnum } from '../graphql/enums';

export enum ConnectionType {
  DHCP = 'DHCP',
  STATIC_IP = 'STATIC_IP',
}
registerEnumType(ConnectionType, { name: 'ConnectionType', description: "How an Ethernet port gets its address (Panorama's ConnectionType)." });

/** Panorama's NetworkPayload, as the input of provisionDevice and as the device's `networkingConfiguration`. */
@InputType('StaticIpConnectionInfoInput')
@ObjectType()
export class StaticIpConnectionInfo {
  @Field() ipAddress!: string;
  @Field() mask!: string;
  @Field() defaultGateway!: string;
  @Field(() => [String]) dns!: string[];
}

@InputType('EthernetConfigurationInput')
@ObjectType()
export class EthernetConfiguration {
  @Field(() => ConnectionType) connectionType!: ConnectionType;
  @Field(() => StaticIpConnectionInfo, { nullable: true }) staticIpConnectionInfo?: StaticIpConnectionInfo | null;
}

@InputType('NtpConfigurationInput')
@ObjectType()
export class NtpConfiguration {
  @Field(() => [String]) ntpServers!: string[];
}

@InputType('NetworkingConfigurationInput', { description: "Panorama's advanced network settings, shipped in the bundle." })
@ObjectType({ description: 'The network settings the device was provisioned with (shipped in its bundle, applied by the device).' })
export class NetworkingConfiguration {
  @Field(() => EthernetConfiguration, { nullable: true }) ethernet0?: EthernetConfiguration | null;
  @Field(() => EthernetConfiguration, { nullable: true }) ethernet1?: EthernetConfiguration | null;
  @Field(() => NtpConfiguration, { nullable: true }) ntp?: NtpConfiguration | null;
}

@InputType()
export class ProvisionDeviceInput {
  @Field({ description: 'Unique in the organization; a-z, A-Z, 0-9, _ and -; cannot be changed later.' }) name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [TagInput], { nullable: true }) tags?: TagInput[] | null;
  @Field(() => NetworkingConfiguration, { nullable: true }) networkingConfiguration?: NetworkingConfiguration | null;
  @Field(() => DeviceBrandEnum, { nullable: true, description: 'The appliance brand (AWS_PANORAMA by default; LENOVO for Lenovo ThinkEdge appliances).' })
  brand?: 'AWS_PANORAMA' | 'LENOVO' | null;
}

@ObjectType({ description: 'The new device and its one-time provisioning bundle.' })
export class ProvisionDeviceOutput {
  @Field(() => ID) deviceId!: string;
  @Field() arn!: string;
  @Field(() => ProvisioningStatusEnum) status!: string;
  @Field() iotThingName!: string;
  @Field({
    description:
      'Base64 ZIP to save as certificates-omni_<name>.zip: claim certificate and key (valid 5 minutes, single use), CA, config.json. Shown once; never stored.',
  })
  certificates!: string;
  @Field(() => GraphQLISODateTime, { description: 'When the claim in the bundle expires.' }) expiresAt!: Date;
}

/** GraphQL gives null for omitted optional fields; the contract wants them absent. */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)])) as T;
  }
  return value;
}
