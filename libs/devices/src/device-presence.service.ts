import { Injectable } from '@nestjs/common';
import type { DisconnectReason } from '@edgefleet/contracts';
import { PrismaService } from '@edgefleet/db';
import { DeviceEventsPublisher } from './device-events.publisher';


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
      await tx.device.update({
        where: { deviceId: thingName },
        data: { deviceConnectionStatus: 'ONLINE', connectionSession: session, connectedAt, lastSeenAt: new Date(), keepAliveSeconds },
      });
      if (before.deviceConnectionStatus !== 'ONLINE') {
        await tx.deviceEvent.create({ data: { deviceId: thingName, field: 'deviceConnectionStatus', from: before.deviceConnectionStatus, to: 'ONLINE', actor } });
      }
    });
    await this.events.updated([thingName]);
  }

  /** Only the session that is current goes OFFLINE: a late disconnect of a replaced session changes nothing. */
  async disconnected(thingName: string, session: string, reason: DisconnectReason, actor: string): Promise<void> {
    const changed = await this.prisma.$transaction(async (tx) => {
      const moved = await tx.device.updateMany({
        where: { deviceId: thingName, connectionSession: session, deviceConnectionStatus: 'ONLINE' },
        data: { deviceConnectionStatus: 'OFFLINE', lastSeenAt: new Date() },
      });
      if (moved.count === 1) {
        await tx.deviceEvent.create({ data: { deviceId: thingName, field: 'deviceConnectionStatus', from: 'ONLINE', to: 'OFFLINE', actor, reason } });
      }
      return moved.count === 1;
    });
    if (changed) await this.events.updated([thingName]);
  }

  /** The gateway vouches for its live sessions: their devices stay ONLINE. */
  async heartbeat(sessions: string[]): Promise<void> {
    if (sessions.length === 0) return;
    await this.prisma.device.updateMany({ where: { connectionSession: { in: sessions }, deviceConnectionStatus: 'ONLINE' }, data: { lastSeenAt: new Date() } });
  }
}
