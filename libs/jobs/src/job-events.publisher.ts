import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { RedisConnections } from '@edgefleet/runtime';

/** Redis channel carrying `{jobIds, rolloutIds}` that changed, for the api's `jobUpdated` and `rolloutProgress` subscriptions. */
export const jobsUpdatedChannel = (redisPrefix: string) => `${redisPrefix}:jobs-updated`;

export interface JobsUpdated {
  jobIds?: string[];
  rolloutIds?: string[];
}

@Injectable()
export class JobEventsPublisher {
  constructor(
    private readonly redis: RedisConnections,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async updated(change: JobsUpdated): Promise<void> {
    if (change.jobIds?.length || change.rolloutIds?.length) await this.redis.publish(jobsUpdatedChannel(this.config.REDIS_PREFIX), change);
  }
}
