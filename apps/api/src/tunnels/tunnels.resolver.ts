import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CONFIG, type Config } from '@edgefleet/config';
import type { TunnelStatus } from '@edgefleet/domain';
import type { Principal } from '@edgefleet/organizations';
import { type TunnelClientMode, TunnelService } from '@edgefleet/tunnels';
import { Caller, Origin } from '../graphql/caller.decorator';
import { tunnelEndpointFor } from './tunnel.endpoint';
import { OpenTunnelInput, OpenedTunnel, RotatedTunnel, Tunnel, TunnelClientModeEnum, TunnelConnection, TunnelStatusEnum } from './tunnels.types';

/** Secure tunnels to devices (AWS IoT secure tunneling's operations), for ADMIN and OPERATOR keys. */
@Resolver()
export class TunnelsResolver {
  constructor(
    private readonly service: TunnelService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Mutation(() => OpenedTunnel, { description: "OpenTunnel: the device's agent is notified and joins as the destination; join as the source with sourceAccessToken (edgefleet tunnel does). ADMIN or OPERATOR." })
  async openTunnel(@Caller() caller: Principal, @Origin() origin: { protocol: string; host: string }, @Args('input') input: OpenTunnelInput): Promise<OpenedTunnel> {
    return { ...(await this.service.open(caller, input)), endpoint: tunnelEndpointFor(this.config, origin) };
  }

  @Query(() => Tunnel, { description: 'DescribeTunnel.' })
  tunnel(@Caller() caller: Principal, @Args('tunnelId', { type: () => ID }) tunnelId: string): Promise<Tunnel> {
    return this.service.get(caller, tunnelId);
  }

  @Query(() => TunnelConnection, { description: 'ListTunnels: newest first, of one device or all.' })
  tunnels(
    @Caller() caller: Principal,
    @Args('deviceId', { type: () => ID, nullable: true }) deviceId: string | null,
    @Args('status', { type: () => TunnelStatusEnum, nullable: true }) status: TunnelStatus | null,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<TunnelConnection> {
    return this.service.list(caller, { deviceId, status, first, after });
  }

  @Mutation(() => Tunnel, { description: 'CloseTunnel: both sides are cut at once and no token joins again; delete forgets the tunnel.' })
  closeTunnel(@Caller() caller: Principal, @Args('tunnelId', { type: () => ID }) tunnelId: string, @Args('delete', { type: () => Boolean, defaultValue: false }) remove: boolean): Promise<Tunnel> {
    return this.service.close(caller, tunnelId, remove);
  }

  @Mutation(() => RotatedTunnel, {
    description: "RotateTunnelAccessToken: new tokens for a side (or both) of an open tunnel; connections with the old ones are cut. A new destination token goes to the device's agent: the way to bring in a device that was offline when the tunnel opened.",
  })
  async rotateTunnelAccessToken(
    @Caller() caller: Principal,
    @Origin() origin: { protocol: string; host: string },
    @Args('tunnelId', { type: () => ID }) tunnelId: string,
    @Args('clientMode', { type: () => TunnelClientModeEnum }) clientMode: TunnelClientMode,
  ): Promise<RotatedTunnel> {
    return { ...(await this.service.rotate(caller, tunnelId, clientMode)), endpoint: tunnelEndpointFor(this.config, origin) };
  }
}
