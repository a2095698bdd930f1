import { Field, GraphQLISODateTime, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { TagInput } from '../graphql/common.types';
import { ProvisioningStatusEnum } from '../graphql/enums';

export enum ConnectionType {
  dhcp = 'dhcp',
  staticIp = 'staticIp',
}
registerEnumType(ConnectionType, { name: 'ConnectionType', description: 'How an Ethernet port gets its address.' });

@InputType()
export class StaticIpConnectionInfoInput {
  @Field() ipAddress!: string;
  @Field() mask!: string;
  @Field() defaultGateway!: string;
  @Field(() => [String]) dns!: string[];
}

@InputType()
export class EthernetConfigurationInput {
  @Field(() => ConnectionType) connectionType!: ConnectionType;
  @Field(() => StaticIpConnectionInfoInput, { nullable: true }) staticIpConnectionInfo?: StaticIpConnectionInfoInput | null;
}

@InputType()
export class NtpConfigurationInput {
  @Field(() => [String]) ntpServers!: string[];
}

@InputType({ description: "Panorama's advanced network settings, shipped in the bundle." })
export class NetworkingConfigurationInput {
  @Field(() => EthernetConfigurationInput, { nullable: true }) ethernet0?: EthernetConfigurationInput | null;
  @Field(() => NtpConfigurationInput, { nullable: true }) ntp?: NtpConfigurationInput | null;
}

@InputType()
export class ProvisionDeviceInput {
  @Field({ description: 'Unique in the organization; a-z, A-Z, 0-9, _ and -; cannot be changed later.' }) name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [TagInput], { nullable: true }) tags?: TagInput[] | null;
  @Field(() => NetworkingConfigurationInput, { nullable: true }) networkingConfiguration?: NetworkingConfigurationInput | null;
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
