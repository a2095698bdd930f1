import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { RedisConnections } from '@edgefleet/runtime';

/** Redis channel carrying `{deviceId, applicationInstanceIds}` that changed, for the api's `applicationInstanceUpdated` subscription. */
export const applicationsUpdatedChannel = (redisPrefix: string) => `${redisPrefix}:applications-updated`;

export interface ApplicationsUpdated {
  deviceId: string;
  applicationInstanceIds: string[];
}

@Injectable()
export class ApplicationEventsPublisher {
  constructor(
    private readonly redis: RedisConnections,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async updated(deviceId: string, applicationInstanceIds: string[]): Promise<void> {
    if (applicationInstanceIds.length) await this.redis.publish(applicationsUpdatedChannel(this.config.REDIS_PREFIX), { deviceId, applicationInstanceIds } satisfies ApplicationsUpdated);
  }
}
