import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { CONFIG, type Config } from '@edgefleet/config';

/** Redis channel carrying `{deviceIds}` whose registry view changed (connection, software, networking). */
export const deviceUpdatedChannel = (redisPrefix: string) => `${redisPrefix}:device-updated`;

/** Tells every api process that devices changed, so `deviceUpdated` subscribers hear it. */
@Injectable()
export class DeviceEventsPublisher implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(@Inject(CONFIG) private readonly config: Config) {
    this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
    this.redis.on('error', () => undefined); // best effort: the registry itself is already up to date
  }

  async updated(deviceIds: string[]): Promise<void> {
    if (deviceIds.length === 0) return;
    await this.redis.publish(deviceUpdatedChannel(this.config.REDIS_PREFIX), JSON.stringify({ deviceIds })).catch(() => undefined);
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
