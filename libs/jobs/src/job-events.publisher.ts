import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { CONFIG, type Config } from '@edgefleet/config';

/** Redis channel carrying `{jobIds, rolloutIds}` that changed, for the api's `jobUpdated` and `rolloutProgress` subscriptions. */
export const jobsUpdatedChannel = (redisPrefix: string) => `${redisPrefix}:jobs-updated`;

export interface JobsUpdated {
  jobIds?: string[];
  rolloutIds?: string[];
}

@Injectable()
export class JobEventsPublisher implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(@Inject(CONFIG) private readonly config: Config) {
    this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
    this.redis.on('error', () => undefined); // best effort: Postgres already holds the change
  }

  async updated(change: JobsUpdated): Promise<void> {
    if (!change.jobIds?.length && !change.rolloutIds?.length) return;
    await this.redis.publish(jobsUpdatedChannel(this.config.REDIS_PREFIX), JSON.stringify(change)).catch(() => undefined);
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
