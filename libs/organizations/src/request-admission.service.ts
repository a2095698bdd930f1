import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { DomainError, type Quotas, assertMayWrite } from '@edgefleet/domain';
import { Clock, RedisConnections } from '@edgefleet/runtime';
import { revokedKeyMark, suspendedOrganizationMark } from './access-revocations';
import { OrganizationService } from './organization.service';
import type { Principal } from './principal';

const QUOTA_CACHE_MS = 5_000;

/**
 * The one gate every edge passes once it knows who calls (GraphQL by API key, the SigV4 APIs by
 * access key, and every edge to come): the role rule for writes, a key revoked or an
 * organization suspended on any api process (their Redis marks), and the key's rates
 * (Panorama: 5 requests/s and 1 mutation/s). Every write of a request counts, so aliases cannot
 * batch past the limit. One Redis round trip; the counters hold across every api process.
 */
@Injectable()
export class RequestAdmission {
  private readonly quotas = new Map<string, { quotas: Quotas; expires: number }>();

  constructor(
    private readonly organizations: OrganizationService,
    private readonly redis: RedisConnections,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** `writes`: how many changes the request makes (mutation fields; 1 for a REST write; 0 to read). */
  async admit(principal: Principal, writes: number): Promise<void> {
    if (writes > 0) assertMayWrite(principal.role);
    const quotas = await this.quotasOf(principal.organizationId);
    const prefix = this.config.REDIS_PREFIX;
    const second = Math.floor(this.clock.now().getTime() / 1000);
    const base = `${prefix}:ratelimit:${principal.apiKeyId}:${second}`;
    const tx = this.redis.shared
      .multi()
      .exists(revokedKeyMark(prefix, principal.apiKeyId))
      .exists(suspendedOrganizationMark(prefix, principal.organizationId))
      .incr(`${base}:all`)
      .expire(`${base}:all`, 2);
    if (writes > 0) tx.incrby(`${base}:mut`, writes).expire(`${base}:mut`, 2);
    const results = (await tx.exec()) ?? [];
    if (Number(results[0]?.[1]) === 1) throw new DomainError('API_KEY_INVALID', 'The API key is unknown or revoked.');
    if (Number(results[1]?.[1]) === 1) throw new DomainError('ORGANIZATION_SUSPENDED', 'The organization of this key is suspended; ask the installation administrator.');
    const all = Number(results[2]?.[1]);
    const mut = writes > 0 ? Number(results[4]?.[1]) : 0;
    if (all > quotas.requestsPerSecond) {
      throw new DomainError('REQUEST_RATE_EXCEEDED', `This key may make ${quotas.requestsPerSecond} requests per second; slow down and retry.`, {
        limit: quotas.requestsPerSecond,
      });
    }
    if (mut > quotas.mutationsPerSecond) {
      const limit = quotas.mutationsPerSecond;
      // Each mutation of a request counts, aliased ones included: a batch over the limit can never pass as it is.
      const advice = writes > limit ? `this request runs ${writes}: send at most ${limit} per request` : 'slow down and retry';
      throw new DomainError('MUTATION_RATE_EXCEEDED', `This key may run ${limit} mutations per second; ${advice}.`, { limit });
    }
  }

  private async quotasOf(organizationId: string): Promise<Quotas> {
    const now = this.clock.now().getTime();
    const cached = this.quotas.get(organizationId);
    if (cached && cached.expires > now) return cached.quotas;
    const quotas = await this.organizations.quotas(organizationId);
    this.quotas.set(organizationId, { quotas, expires: now + QUOTA_CACHE_MS });
    return quotas;
  }
}
