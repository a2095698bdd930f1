import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { RedisConnections } from '@edgefleet/runtime';

/** Redis channel carrying `{deviceIds}` whose registry view changed (connection, software, networking). */
export const deviceUpdatedChannel = (redisPrefix: string) => `${redisPrefix}:device-updated`;

/**
 * Tells every api process that devices changed, so `deviceUpdated` subscribers hear it. Changes
 * announced in the same turn of the event loop go out as one message (a gateway ingesting
 * thousands of reports a second sent one each).
 */
@Injectable()
export class DeviceEventsPublisher {
  private pending = new Set<string>();
  private flush?: Promise<void>;

  constructor(
    private readonly redis: RedisConnections,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  updated(deviceIds: string[]): Promise<void> {
    if (deviceIds.length === 0) return Promise.resolve();
    deviceIds.forEach((id) => this.pending.add(id));
    this.flush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const ids = [...this.pending];
      this.pending = new Set();
      this.flush = undefined;
      return this.redis.publish(deviceUpdatedChannel(this.config.REDIS_PREFIX), { deviceIds: ids });
    });
    return this.flush;
  }
}
