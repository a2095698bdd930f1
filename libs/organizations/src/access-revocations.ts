import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { type DisconnectOrder, disconnectChannel } from '@edgefleet/iot';
import { RedisConnections } from '@edgefleet/runtime';

/** Longer than any process caches a key or an organization (2 s): by then every cache has read the database again. */
const MARK_SECONDS = 60;

export const revokedKeyMark = (redisPrefix: string, apiKeyId: string) => `${redisPrefix}:access:revoked:${apiKeyId}`;
export const suspendedOrganizationMark = (redisPrefix: string, organizationId: string) => `${redisPrefix}:access:suspended:${organizationId}`;

/**
 * What every process must know at once, not when its caches expire: a key revoked, an
 * organization suspended. Each is marked in Redis, where every request's admission looks
 * (RequestAdmission, one round trip it makes anyway), and a suspension ends the
 * organization's live device sessions on every gateway. Postgres stays the truth: the marks
 * only outlive the caches.
 */
@Injectable()
export class AccessRevocations {
  constructor(
    private readonly redis: RedisConnections,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async keyRevoked(apiKeyId: string): Promise<void> {
    await this.redis.shared.set(revokedKeyMark(this.config.REDIS_PREFIX, apiKeyId), '1', 'EX', MARK_SECONDS);
  }

  async organizationSuspended(organizationId: string, suspended: boolean): Promise<void> {
    const mark = suspendedOrganizationMark(this.config.REDIS_PREFIX, organizationId);
    if (!suspended) {
      await this.redis.shared.del(mark);
      return;
    }
    await this.redis.shared.set(mark, '1', 'EX', MARK_SECONDS);
    const order: DisconnectOrder = { certificateIds: [], organizationId, reason: 'organization suspended' };
    await this.redis.shared.publish(disconnectChannel(this.config.REDIS_PREFIX), JSON.stringify(order));
  }
}
