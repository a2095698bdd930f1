import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CONFIG, type Config } from '@edgefleet/config';
import type { Tx } from '@edgefleet/db';
import {
  DomainError,
  MAX_TUNNEL_MINUTES,
  TUNNEL_SIDES,
  type TunnelSide,
  type TunnelStatus,
  assertDescription,
  assertPageSize,
  assertRole,
  assertTunnelServices,
  assertTunnelTimeout,
  isTunnelId,
  newTunnelAccessToken,
  notFound,
  pageOf,
  tunnelArn,
  tunnelRefused,
  tunnelTokenHash,
} from '@edgefleet/domain';
import { TunnelNotifier } from '@edgefleet/iot';
import { AuditService, type Principal, actorOf } from '@edgefleet/organizations';
import { Clock } from '@edgefleet/runtime';
import { type TunnelRow, TunnelRepository } from './tunnel.repository';
import { closeTunnelRow } from './tunnel.transitions';

/** Open tunnels a device may have at once (AWS allows 10 per thing by default… and so do we). */
export const MAX_OPEN_TUNNELS_PER_DEVICE = 10;

export interface ConnectionState {
  status: 'CONNECTED' | 'DISCONNECTED';
  lastUpdatedAt: Date | null;
}

/** A tunnel as operators see it: never a token. */
export interface TunnelView {
  tunnelId: string;
  tunnelArn: string;
  deviceId: string;
  services: string[];
  description: string | null;
  status: TunnelStatus;
  timeoutMinutes: number;
  openedBy: string;
  createdAt: Date;
  lastUpdatedAt: Date;
  expiresAt: Date;
  closedAt: Date | null;
  sourceConnectionState: ConnectionState;
  destinationConnectionState: ConnectionState;
}

export interface OpenTunnelInput {
  deviceId: string;
  services: string[];
  timeoutMinutes?: number | null;
  description?: string | null;
}

/** What OpenTunnel answers, once: the tokens exist nowhere else in clear. */
export interface OpenedTunnel {
  tunnel: TunnelView;
  sourceAccessToken: string;
  destinationAccessToken: string;
}

/** Who joined a tunnel: what the endpoint needs to pair the two sides. */
export interface AdmittedPeer {
  tunnelId: string;
  /** SHA-256 of the token it joined with: a rotation (or closing) makes it stale. */
  tokenHash: string;
  organizationId: string;
  deviceId: string;
  side: TunnelSide;
  services: string[];
  expiresAt: Date;
}

/** Which sides of a tunnel lost their connections (both when it closed, one when its token was rotated). */
type CutListener = (tunnelId: string, sides: readonly TunnelSide[]) => void;
export type TunnelClientMode = 'SOURCE' | 'DESTINATION' | 'ALL';

/** RotateTunnelAccessToken's answer: the new tokens, once, for the sides rotated. */
export interface RotatedTunnel {
  tunnel: TunnelView;
  sourceAccessToken: string | null;
  destinationAccessToken: string | null;
}

/**
 * Secure tunnels to devices (AWS IoT secure tunneling's OpenTunnel, DescribeTunnel, ListTunnels,
 * CloseTunnel, RotateTunnelAccessToken) for ADMIN and OPERATOR keys, and the admission of local proxies by access token.
 */
@Injectable()
export class TunnelService {
  private readonly cutListeners: CutListener[] = [];

  constructor(
    private readonly tunnels: TunnelRepository,
    private readonly audit: AuditService,
    private readonly notifier: TunnelNotifier,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** The endpoint cuts a tunnel's connections when it closes or a side's token is rotated (here, through this process's listeners). */
  onCut(listener: CutListener): void {
    this.cutListeners.push(listener);
  }

  async open(principal: Principal, input: OpenTunnelInput): Promise<OpenedTunnel> {
    assertRole(principal.role, 'OPERATOR', 'Opening a tunnel to a device');
    this.notifier.assertAvailable();
    assertTunnelServices(input.services);
    const timeoutMinutes = input.timeoutMinutes ?? MAX_TUNNEL_MINUTES;
    assertTunnelTimeout(timeoutMinutes);
    if (input.description) assertDescription('description', input.description);
    const [sourceAccessToken, destinationAccessToken] = [newTunnelAccessToken(), newTunnelAccessToken()];
    const now = this.clock.now();
    const row = await this.tunnels.transaction(async (tx) => {
      const device = await this.tunnels.device(tx, principal.organizationId, input.deviceId);
      if (!device) throw notFound('Device', input.deviceId);
      if (device.provisioningStatus !== 'SUCCEEDED') {
        throw new DomainError('DEVICE_NOT_PROVISIONED', `Device ${input.deviceId} is ${device.provisioningStatus}: a tunnel reaches a device's agent, which it has once provisioned (SUCCEEDED).`, { id: input.deviceId });
      }
      const open = await this.tunnels.openCount(tx, input.deviceId, now);
      if (open >= MAX_OPEN_TUNNELS_PER_DEVICE) {
        throw new DomainError('QUOTA_EXCEEDED', `Device ${input.deviceId} has ${open} open tunnels, the most it may have: close one first (closeTunnel).`, { limit: MAX_OPEN_TUNNELS_PER_DEVICE });
      }
      const tunnelId = randomUUID();
      await this.tunnels.insert(tx, {
        tunnelId,
        organizationId: principal.organizationId,
        deviceId: input.deviceId,
        services: input.services,
        description: input.description ?? null,
        timeoutMinutes,
        openedBy: actorOf(principal),
        createdAt: now,
        lastUpdatedAt: now,
        expiresAt: new Date(now.getTime() + timeoutMinutes * 60_000),
        sourceTokenHash: tunnelTokenHash(sourceAccessToken),
        destinationTokenHash: tunnelTokenHash(destinationAccessToken),
      });
      await this.audit.record(tx, principal, { action: 'tunnel.open', targetType: 'Tunnel', targetId: tunnelId, details: { deviceId: input.deviceId, services: input.services, timeoutMinutes } });
      return this.row(principal, tunnelId, tx);
    });
    try {
      await this.notify(row, destinationAccessToken);
    } catch (err) {
      // The device never heard of it: a tunnel nobody can reach would only take a place of the ten.
      await this.tunnels.transaction((tx) => closeTunnelRow(tx, principal.organizationId, row.tunnelId, actorOf(principal), this.clock.now()));
      throw err;
    }
    return { tunnel: this.view(row), sourceAccessToken, destinationAccessToken };
  }

  /** As AWS IoT does: the device's agent hears of a destination token on its notify topic, and connects out. */
  private notify(row: TunnelRow, destinationAccessToken: string): Promise<void> {
    return this.notifier.notify(row.deviceId, { clientAccessToken: destinationAccessToken, clientMode: 'destination', region: this.config.REGION, services: row.services });
  }

  async get(principal: Principal, tunnelId: string): Promise<TunnelView> {
    assertRole(principal.role, 'OPERATOR', 'Reading tunnels');
    return this.view(await this.row(principal, tunnelId));
  }

  async list(principal: Principal, args: { deviceId?: string | null; status?: TunnelStatus | null; first: number; after?: string | null }) {
    assertRole(principal.role, 'OPERATOR', 'Reading tunnels');
    assertPageSize(args.first);
    const rows = await this.tunnels.page(principal.organizationId, args, this.clock.now());
    const views = rows.map((r) => this.view(r));
    return pageOf(views, args.first, (v) => [v.createdAt.toISOString(), v.tunnelId]);
  }

  /** CloseTunnel: both sides are cut at once; closing a closed tunnel changes nothing. `remove` forgets it (AWS's `delete`). */
  async close(principal: Principal, tunnelId: string, remove = false): Promise<TunnelView> {
    assertRole(principal.role, 'OPERATOR', 'Closing a tunnel');
    if (!isTunnelId(tunnelId)) throw notFound('Tunnel', tunnelId);
    const now = this.clock.now();
    const row = await this.tunnels.transaction(async (tx) => {
      const moved = await closeTunnelRow(tx, principal.organizationId, tunnelId, actorOf(principal), now);
      const current = await this.row(principal, tunnelId, tx);
      if (moved || remove) await this.audit.record(tx, principal, { action: remove ? 'tunnel.delete' : 'tunnel.close', targetType: 'Tunnel', targetId: tunnelId, details: { deviceId: current.deviceId } });
      if (remove) await this.tunnels.delete(tx, tunnelId);
      return current;
    });
    for (const listener of this.cutListeners) listener(tunnelId, TUNNEL_SIDES);
    return this.view(row);
  }

  /**
   * RotateTunnelAccessToken: new tokens for a side (or both) of an open tunnel; the old ones join
   * no more and their connections are cut. A new destination token reaches the device's agent as
   * OpenTunnel's did: the way to bring in a device that was offline when the tunnel opened.
   */
  async rotate(principal: Principal, tunnelId: string, clientMode: TunnelClientMode): Promise<RotatedTunnel> {
    assertRole(principal.role, 'OPERATOR', "Rotating a tunnel's access tokens");
    if (clientMode !== 'SOURCE') this.notifier.assertAvailable();
    const sides: readonly TunnelSide[] = clientMode === 'ALL' ? TUNNEL_SIDES : [clientMode === 'SOURCE' ? 'source' : 'destination'];
    const tokens = Object.fromEntries(sides.map((side) => [side, newTunnelAccessToken()])) as Partial<Record<TunnelSide, string>>;
    const now = this.clock.now();
    const row = await this.tunnels.transaction(async (tx) => {
      const current = await this.row(principal, tunnelId, tx);
      const hashes = Object.fromEntries(Object.entries(tokens).map(([side, token]) => [side, tunnelTokenHash(token)]));
      if (!(await this.tunnels.rotate(tx, principal.organizationId, tunnelId, hashes, now))) {
        throw new DomainError('TUNNEL_CLOSED', `Tunnel ${tunnelId} is closed: open a new one.`, { id: tunnelId });
      }
      await this.audit.record(tx, principal, { action: 'tunnel.rotate', targetType: 'Tunnel', targetId: tunnelId, details: { deviceId: current.deviceId, sides: [...sides] } });
      return this.row(principal, tunnelId, tx);
    });
    for (const listener of this.cutListeners) listener(tunnelId, sides);
    if (tokens.destination) await this.notify(row, tokens.destination);
    return { tunnel: this.view(row), sourceAccessToken: tokens.source ?? null, destinationAccessToken: tokens.destination ?? null };
  }

  /**
   * A local proxy joins with an access token (the WebSocket handshake): the token's tunnel must
   * be open, its side the proxy's mode, its organization active, and the token unspent (or
   * bound to this client token). Every refusal is TUNNEL_ACCESS_DENIED or TUNNEL_CLOSED, and
   * says why without echoing the token.
   */
  async admit(accessToken: string, mode: TunnelSide, clientToken: string | null, from: string | undefined): Promise<AdmittedPeer> {
    const tokenHash = tunnelTokenHash(accessToken);
    const row = await this.tunnels.byTokenHash(tokenHash);
    if (!row) throw tunnelRefused('The access token is not valid: use the one OpenTunnel (openTunnel) returned.');
    const side: TunnelSide = row.sourceTokenHash === tokenHash ? 'source' : 'destination';
    if (side !== mode) throw tunnelRefused(`This access token is the ${side}'s: connect with local-proxy-mode=${side}.`);
    if (row.suspendedAt) throw tunnelRefused('The organization of this tunnel is suspended.');
    const now = this.clock.now();
    if (row.status === 'CLOSED' || row.expiresAt <= now) throw new DomainError('TUNNEL_CLOSED', `Tunnel ${row.tunnelId} is closed${row.status === 'OPEN' ? ' (its lifetime ended)' : ''}: open a new one.`, { id: row.tunnelId });
    const clientTokenHash = clientToken === null ? null : tunnelTokenHash(clientToken);
    if (!(await this.tunnels.claimSide(row.tunnelId, side, tokenHash, clientTokenHash, now))) {
      const bound = side === 'source' ? row.sourceClientTokenHash : row.destinationClientTokenHash;
      throw tunnelRefused(
        bound
          ? 'This access token is bound to another client token: reconnect with the client token it was first used with.'
          : 'This access token was already used: without a client token, an access token joins once (AWS IoT secure tunneling). Open a new tunnel, or connect with a client token to be able to reconnect.',
      );
    }
    await this.audit.recordNow({ organizationId: row.organizationId, actor: `tunnel:${side}` }, { action: 'tunnel.connect', targetType: 'Tunnel', targetId: row.tunnelId, details: { side, deviceId: row.deviceId, from: from ?? null } });
    return { tunnelId: row.tunnelId, tokenHash, organizationId: row.organizationId, deviceId: row.deviceId, side, services: row.services, expiresAt: row.expiresAt };
  }

  /**
   * Of these joined peers, the token hashes of those that may stay connected. The endpoint checks
   * each peer as it joins (a close or rotation may have come between its admission and its join)
   * and its live peers every few seconds: a tunnel closed or rotated on another api process, an
   * organization suspended or a device deleted cuts them too.
   */
  stillAdmitted(peers: AdmittedPeer[]): Promise<Set<string>> {
    return this.tunnels.stillAdmitted(peers, this.clock.now());
  }

  disconnected(peer: AdmittedPeer): Promise<void> {
    return this.tunnels.setDisconnected(peer.tunnelId, peer.side, this.clock.now());
  }

  private async row(principal: Principal, tunnelId: string, tx?: Tx): Promise<TunnelRow> {
    const row = isTunnelId(tunnelId) ? await this.tunnels.find(principal.organizationId, tunnelId, tx) : null;
    if (!row) throw notFound('Tunnel', tunnelId);
    return row;
  }

  private view(row: TunnelRow): TunnelView {
    const expired = row.status === 'OPEN' && row.expiresAt <= this.clock.now();
    const state = (connected: boolean, at: Date | null): ConnectionState => ({ status: connected && !expired ? 'CONNECTED' : 'DISCONNECTED', lastUpdatedAt: at });
    return {
      tunnelId: row.tunnelId,
      tunnelArn: tunnelArn(this.config.REGION, row.accountId, row.tunnelId),
      deviceId: row.deviceId,
      services: row.services,
      description: row.description,
      status: expired ? 'CLOSED' : row.status,
      timeoutMinutes: row.timeoutMinutes,
      openedBy: row.openedBy,
      createdAt: row.createdAt,
      lastUpdatedAt: row.lastUpdatedAt,
      expiresAt: row.expiresAt,
      closedAt: row.closedAt ?? (expired ? row.expiresAt : null),
      sourceConnectionState: state(row.sourceConnected, row.sourceUpdatedAt),
      destinationConnectionState: state(row.destinationConnected, row.destinationUpdatedAt),
    };
  }
}
