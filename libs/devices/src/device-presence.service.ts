import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import type { DisconnectReason } from '@edgefleet/contracts';
import { Clock, Scheduler } from '@edgefleet/runtime';
import { DeviceEventsPublisher } from './device-events.publisher';
import { DeviceRepository } from './device.repository';
import { moveConnection, registerDevice } from './device.transitions';

/**
 * deviceConnectionStatus follows connections, whoever sees them: our gateways (local
 * backend) or AWS IoT lifecycle events (aws backend).
 */
@Injectable()
export class DevicePresenceService {
  constructor(
    private readonly devices: DeviceRepository,
    private readonly events: DeviceEventsPublisher,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** A gateway vouches for its live sessions every PRESENCE_HEARTBEAT_SECONDS. */
  vouchFor(sessions: () => string[]): void {
    this.scheduler.every('presence heartbeat', this.config.PRESENCE_HEARTBEAT_SECONDS * 1000, () => this.heartbeat(sessions()));
  }

  /**
   * A connection older than the last one recorded (a late event from a replaced session) changes
   * nothing. With `registers` (AWS IoT ran RegisterThing), a thing's first connection as itself
   * completes its provisioning.
   */
  async connected(thingName: string, session: string, keepAliveSeconds: number, connectedAt: Date, actor: string, opts: { registers?: boolean } = {}): Promise<void> {
    await this.devices.transaction(async (tx) => {
      const device = opts.registers ? await this.devices.byId(thingName, tx) : null;
      if (device) await registerDevice(tx, device, actor);
      if (!(await this.devices.recordSession(tx, thingName, { session, connectedAt, seenAt: this.clock.now(), keepAliveSeconds }))) return;
      await moveConnection(tx, { deviceId: thingName }, 'CONNECT', actor); // a new session of an ONLINE device stays ONLINE
    });
    await this.events.updated([thingName]);
  }

  /** Only the session that is current goes OFFLINE: a late disconnect of a replaced session changes nothing. */
  async disconnected(thingName: string, session: string, reason: DisconnectReason, actor: string): Promise<void> {
    const moved = await this.devices.transaction((tx) => moveConnection(tx, { deviceId: thingName, session }, 'DISCONNECT', actor, { reason, seenNow: true }));
    if (moved.length) await this.events.updated([thingName]);
  }

  /**
   * A device whose gateway stopped vouching for it (heartbeats refresh lastSeenAt) for
   * longer than keep-alive × 1.5, and at least two heartbeats, is OFFLINE: a crashed
   * broker sends no disconnect.
   */
  async sweepSilent(now = this.clock.now()): Promise<string[]> {
    const heartbeatSeconds = this.config.PRESENCE_HEARTBEAT_SECONDS;
    const silent = await this.devices.transaction((tx) =>
      moveConnection(tx, { silentAt: now, heartbeatSeconds }, 'DISCONNECT', 'system:worker', { reason: 'MQTT_KEEP_ALIVE_TIMEOUT', endSession: true }),
    );
    const ids = silent.map((s) => s.deviceId);
    await this.events.updated(ids);
    return ids;
  }

  /** The gateway vouches for its live sessions: their devices stay ONLINE. */
  async heartbeat(sessions: string[]): Promise<void> {
    if (sessions.length === 0) return;
    await this.devices.heartbeat(sessions, this.clock.now());
  }
}
