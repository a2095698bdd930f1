import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import type { DisconnectReason } from '@edgefleet/contracts';
import { Prisma, PrismaService } from '@edgefleet/db';
import { Clock, Scheduler } from '@edgefleet/runtime';
import { DeviceEventsPublisher } from './device-events.publisher';
import { moveConnection } from './device.transitions';

/**
 * deviceConnectionStatus follows connections, whoever sees them: our gateways (local
 * backend) or AWS IoT lifecycle events (aws backend).
 */
@Injectable()
export class DevicePresenceService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: DeviceEventsPublisher,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** A gateway vouches for its live sessions every PRESENCE_HEARTBEAT_SECONDS. */
  vouchFor(sessions: () => string[]): void {
    this.scheduler.every('presence heartbeat', this.config.PRESENCE_HEARTBEAT_SECONDS * 1000, () => this.heartbeat(sessions()));
  }

  /** A connection older than the last one recorded (a late event from a replaced session) changes nothing. */
  async connected(thingName: string, session: string, keepAliveSeconds: number, connectedAt: Date, actor: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const [before] = await tx.$queryRaw<{ deviceConnectionStatus: string; connectedAt: Date | null }[]>`
        SELECT "deviceConnectionStatus", "connectedAt" FROM "Device" WHERE "deviceId" = ${thingName} FOR UPDATE`;
      // Ordered by connection time, not by when events are processed: a newer session always wins.
      if (!before || (before.connectedAt && before.connectedAt > connectedAt)) return;
      await tx.device.update({ where: { deviceId: thingName }, data: { connectionSession: session, connectedAt, lastSeenAt: this.clock.now(), keepAliveSeconds } });
      await moveConnection(tx, Prisma.sql`t."deviceId" = ${thingName}`, 'CONNECT', actor); // a new session of an ONLINE device stays ONLINE
    });
    await this.events.updated([thingName]);
  }

  /** Only the session that is current goes OFFLINE: a late disconnect of a replaced session changes nothing. */
  async disconnected(thingName: string, session: string, reason: DisconnectReason, actor: string): Promise<void> {
    const moved = await moveConnection(this.prisma, Prisma.sql`t."deviceId" = ${thingName} AND t."connectionSession" = ${session}`, 'DISCONNECT', actor, {
      reason,
      set: [Prisma.sql`"lastSeenAt" = now()`],
    });
    if (moved.length) await this.events.updated([thingName]);
  }

  /**
   * A device whose gateway stopped vouching for it (heartbeats refresh lastSeenAt) for
   * longer than keep-alive × 1.5, and at least two heartbeats, is OFFLINE: a crashed
   * broker sends no disconnect.
   */
  async sweepSilent(now = this.clock.now()): Promise<string[]> {
    const heartbeatSeconds = this.config.PRESENCE_HEARTBEAT_SECONDS;
    const silent = await moveConnection(
      this.prisma,
      Prisma.sql`t."lastSeenAt" < ${now}::timestamptz - make_interval(secs => GREATEST(COALESCE(t."keepAliveSeconds", 0) * 1.5, ${heartbeatSeconds * 2}))`,
      'DISCONNECT',
      'system:worker',
      { reason: 'MQTT_KEEP_ALIVE_TIMEOUT', set: [Prisma.sql`"connectionSession" = NULL`] },
    );
    const ids = silent.map((s) => s.deviceId);
    await this.events.updated(ids);
    return ids;
  }

  /** The gateway vouches for its live sessions: their devices stay ONLINE. */
  async heartbeat(sessions: string[]): Promise<void> {
    if (sessions.length === 0) return;
    await this.prisma.device.updateMany({ where: { connectionSession: { in: sessions }, deviceConnectionStatus: 'ONLINE' }, data: { lastSeenAt: this.clock.now() } });
  }
}
