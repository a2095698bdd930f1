import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '../graphql/connection.types';
import { enumOf } from '../graphql/enums';

export const TunnelStatusEnum = enumOf('TunnelStatus', ['OPEN', 'CLOSED'] as const, 'OPEN until closed (closeTunnel) or until its lifetime (timeoutMinutes) ends.');
export const TunnelClientModeEnum = enumOf('TunnelClientMode', ['SOURCE', 'DESTINATION', 'ALL'] as const, "Which side's access token to rotate (AWS IoT secure tunneling ClientMode).");
export const ConnectionStatusEnum = enumOf('TunnelConnectionStatus', ['CONNECTED', 'DISCONNECTED'] as const, "Whether a side's local proxy is joined to the tunnel now.");

@InputType({ description: 'AWS IoT secure tunneling OpenTunnel, to one device.' })
export class OpenTunnelInput {
  @Field(() => ID) deviceId!: string;
  @Field(() => [String], { description: "1 to 3 service ids (SSH, HTTP, …): the device's agent maps each to a local address it allows." }) services!: string[];
  @Field(() => Int, { nullable: true, description: 'How long the tunnel may stay open: 1 to 720 minutes (the default).' }) timeoutMinutes?: number | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@ObjectType()
export class TunnelConnectionState {
  @Field(() => ConnectionStatusEnum) status!: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastUpdatedAt!: Date | null;
}

@ObjectType({ description: 'A secure tunnel to a device (AWS IoT secure tunneling DescribeTunnel): never its tokens.' })
export class Tunnel {
  @Field(() => ID) tunnelId!: string;
  @Field() tunnelArn!: string;
  @Field(() => ID) deviceId!: string;
  @Field(() => [String]) services!: string[];
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => TunnelStatusEnum) status!: string;
  @Field(() => Int) timeoutMinutes!: number;
  @Field({ description: 'Who opened it (apiKey:<id>).' }) openedBy!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) lastUpdatedAt!: Date;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) closedAt!: Date | null;
  @Field(() => TunnelConnectionState, { description: "The operator's side (edgefleet tunnel, or AWS's localproxy in source mode)." }) sourceConnectionState!: TunnelConnectionState;
  @Field(() => TunnelConnectionState, { description: "The device's agent." }) destinationConnectionState!: TunnelConnectionState;
}

@ObjectType({ description: 'OpenTunnel\'s answer. The tokens are shown once and kept nowhere in clear: give the source token to a local proxy in source mode (edgefleet tunnel does it for you).' })
export class OpenedTunnel {
  @Field(() => Tunnel) tunnel!: Tunnel;
  @Field() sourceAccessToken!: string;
  @Field({ description: "Sent to the device's agent already; for a local proxy of your own on the device." }) destinationAccessToken!: string;
  @Field({ description: 'Where local proxies join: the tunneling endpoint (ws:// or wss://).' }) endpoint!: string;
}

@ObjectType({ description: "RotateTunnelAccessToken's answer: the new token of each side rotated, shown once (a new destination token went to the device's agent already)." })
export class RotatedTunnel {
  @Field(() => Tunnel) tunnel!: Tunnel;
  @Field(() => String, { nullable: true }) sourceAccessToken!: string | null;
  @Field(() => String, { nullable: true }) destinationAccessToken!: string | null;
  @Field({ description: 'Where local proxies join: the tunneling endpoint (ws:// or wss://).' }) endpoint!: string;
}

@ObjectType()
export class TunnelConnection extends Connection(Tunnel) {}
