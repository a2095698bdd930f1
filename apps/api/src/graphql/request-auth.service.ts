import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CONFIG, type Config } from '@edgefleet/config';
import { DomainError, type Quotas } from '@edgefleet/domain';
import { ApiKeyService, OrganizationService, type Principal } from '@edgefleet/organizations';
import { Clock, RedisConnections } from '@edgefleet/runtime';

const QUOTA_CACHE_MS = 5_000;

/**
 * Authenticates each GraphQL request by its API key and applies the per-key rate
 * limits (Panorama: 5 requests/s and 1 mutation/s). Each mutation field of a request counts,
 * so aliases cannot batch past the limit. Counters live in Redis, so the limits hold across
 * every api process.
 */
@Injectable()
export class RequestAuthService {
  private readonly redis: Redis;
  private readonly quotas = new Map<string, { quotas: Quotas; expires: number }>();

  constructor(
    private readonly apiKeys: ApiKeyService,
    private readonly organizations: OrganizationService,
    redis: RedisConnections,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.redis = redis.shared;
  }

  /** `mutations`: how many mutation fields the request runs (0 for a query). */
  async authenticate(authorization: string | undefined, mutations: number): Promise<Principal> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const principal = await this.apiKeys.authenticate(match?.[1]);
    await this.limit(principal, mutations);
    return principal;
  }

  /** The key's request and mutation rates (also for SigV4-signed APIs). */
  async limit(principal: Principal, mutations: number): Promise<void> {
    const quotas = await this.quotasOf(principal.organizationId);
    const second = Math.floor(this.clock.now().getTime() / 1000);
    const base = `${this.config.REDIS_PREFIX}:ratelimit:${principal.apiKeyId}:${second}`;
    const tx = this.redis.multi().incr(`${base}:all`).expire(`${base}:all`, 2);
    if (mutations > 0) tx.incrby(`${base}:mut`, mutations).expire(`${base}:mut`, 2);
    const results = (await tx.exec()) ?? [];
    const all = Number(results[0]?.[1]);
    const mut = mutations > 0 ? Number(results[2]?.[1]) : 0;
    if (all > quotas.requestsPerSecond) {
      throw new DomainError('REQUEST_RATE_EXCEEDED', `This key may make ${quotas.requestsPerSecond} requests per second; slow down and retry.`, {
        limit: quotas.requestsPerSecond,
      });
    }
    if (mut > quotas.mutationsPerSecond) {
      const limit = quotas.mutationsPerSecond;
      // Each mutation of a request counts, aliased ones included: a batch over the limit can never pass as it is.
      const advice = mutations > limit ? `this request runs ${mutations}: send at most ${limit} per request` : 'slow down and retry';
      throw new DomainError('MUTATION_RATE_EXCEEDED', `This key may run ${limit} mutations per second; ${advice}.`, { limit });
    }
  }

  private async quotasOf(organizationId: string): Promise<Quotas> {
    const cached = this.quotas.get(organizationId);
    if (cached && cached.expires > this.clock.now().getTime()) return cached.quotas;
    const quotas = await this.organizations.quotas(organizationId);
    this.quotas.set(organizationId, { quotas, expires: this.clock.now().getTime() + QUOTA_CACHE_MS });
    return quotas;
  }

}
