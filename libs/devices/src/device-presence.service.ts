import { Injectable } from '@nestjs/common';
import type { DisconnectReason } from '@edgefleet/contracts';
import { Prisma, PrismaService } from '@edgefleet/db';
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
  ) {}

  /** A connection older than the last one recorded (a late event from a replaced session) changes nothing. */
  async connected(thingName: string, session: string, keepAliveSeconds: number, connectedAt: Date, actor: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const [before] = await tx.$queryRaw<{ deviceConnectionStatus: string; connectedAt: Date | null }[]>`
        SELECT "deviceConnectionStatus", "connectedAt" FROM "Device" WHERE "deviceId" = ${thingName} FOR UPDATE`;
      // Ordered by connection time, not by when events are processed: a newer session always wins.
      if (!before || (before.connectedAt && before.connectedAt > connectedAt)) return;
      await tx.device.update({ where: { deviceId: thingName }, data: { connectionSession: session, connectedAt, lastSeenAt: new Date(), keepAliveSeconds } });
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

  /** The gateway vouches for its live sessions: their devices stay ONLINE. */
  async heartbeat(sessions: string[]): Promise<void> {
    if (sessions.length === 0) return;
    await this.prisma.device.updateMany({ where: { connectionSession: { in: sessions }, deviceConnectionStatus: 'ONLINE' }, data: { lastSeenAt: new Date() } });
  }
}
