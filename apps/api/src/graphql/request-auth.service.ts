import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CONFIG, type Config } from '@edgefleet/config';
import { DomainError, type Quotas } from '@edgefleet/domain';
import { ApiKeyService, OrganizationService, type Principal } from '@edgefleet/organizations';
import { Clock, RedisConnections } from '@edgefleet/runtime';

const QUOTA_CACHE_MS = 5_000;

/**
 * Authenticates each GraphQL request by its API key and applies the per-key rate
 * limits (Panorama: 5 requests/s, of which 1 mutating request/s). Counters live in
 * Redis, so the limits hold across every api process.
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

  async authenticate(authorization: string | undefined, mutating: boolean): Promise<Principal> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const principal = await this.apiKeys.authenticate(match?.[1]);
    await this.limit(principal, mutating);
    return principal;
  }

  private async limit(principal: Principal, mutating: boolean): Promise<void> {
    const quotas = await this.quotasOf(principal.organizationId);
    const second = Math.floor(this.clock.now().getTime() / 1000);
    const base = `${this.config.REDIS_PREFIX}:ratelimit:${principal.apiKeyId}:${second}`;
    const tx = this.redis.multi().incr(`${base}:all`).expire(`${base}:all`, 2);
    if (mutating) tx.incr(`${base}:mut`).expire(`${base}:mut`, 2);
    const results = (await tx.exec()) ?? [];
    const all = Number(results[0]?.[1]);
    const mut = mutating ? Number(results[2]?.[1]) : 0;
    if (all > quotas.requestsPerSecond) {
      throw new DomainError('REQUEST_RATE_EXCEEDED', `This key may make ${quotas.requestsPerSecond} requests per second; slow down and retry.`, {
        limit: quotas.requestsPerSecond,
      });
    }
    if (mut > quotas.mutationsPerSecond) {
      throw new DomainError(
        'MUTATION_RATE_EXCEEDED',
        `This key may make ${quotas.mutationsPerSecond} mutating requests per second; slow down and retry.`,
        { limit: quotas.mutationsPerSecond },
      );
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
