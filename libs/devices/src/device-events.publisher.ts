import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { RedisConnections } from '@edgefleet/runtime';

/** Redis channel carrying `{deviceIds}` whose registry view changed (connection, software, networking). */
export const deviceUpdatedChannel = (redisPrefix: string) => `${redisPrefix}:device-updated`;

/** Tells every api process that devices changed, so `deviceUpdated` subscribers hear it. */
@Injectable()
export class DeviceEventsPublisher {
  constructor(
    private readonly redis: RedisConnections,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async updated(deviceIds: string[]): Promise<void> {
    if (deviceIds.length) await this.redis.publish(deviceUpdatedChannel(this.config.REDIS_PREFIX), { deviceIds });
  }
}
