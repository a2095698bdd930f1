import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CONFIG, type Config } from '@edgefleet/config';
import { DomainError, type Quotas, assertMayWrite } from '@edgefleet/domain';
import { Clock, RedisConnections } from '@edgefleet/runtime';
import { revokedKeyMark, suspendedOrganizationMark } from './access-revocations';
import { OrganizationService } from './organization.service';
import type { Principal } from './principal';

const QUOTA_CACHE_MS = 5_000;

/**
 * One admission, atomically: the revocation and suspension marks, then a token bucket for
 * requests and one for mutations (full at `burst`, refilled at `rate` per second). A refused
 * request takes no token, and says how long until it would pass.
 * KEYS: request bucket, mutation bucket, revoked-key mark, suspended-organization mark.
 * ARGV: now (ms), request rate, request burst, writes, mutation rate, mutation burst.
 * Returns {outcome, retryAfterMs}: 0 admitted, 1 request rate, 2 mutation rate, 3 a batch larger
 * than the mutation burst (never admitted), -1 revoked, -2 suspended.
 */
const ADMIT = `
if redis.call('EXISTS', KEYS[3]) == 1 then return {-1, 0} end
if redis.call('EXISTS', KEYS[4]) == 1 then return {-2, 0} end
local now = tonumber(ARGV[1])
local function level(key, rate, burst)
  local b = redis.call('HMGET', key, 't', 'at')
  if not b[1] then return burst end
  return math.min(burst, tonumber(b[1]) + math.max(0, now - tonumber(b[2])) * rate / 1000)
end
local function take(key, tokens, rate, burst)
  redis.call('HSET', key, 't', tostring(tokens), 'at', now)
  redis.call('PEXPIRE', key, math.ceil(burst * 1000 / rate) + 1000)
end
local rr, rb, writes, mr, mb = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local requests = level(KEYS[1], rr, rb)
if requests < 1 then return {1, math.ceil((1 - requests) * 1000 / rr)} end
if writes > 0 then
  if writes > mb then return {3, 0} end
  local mutations = level(KEYS[2], mr, mb)
  if mutations < writes then return {2, math.ceil((writes - mutations) * 1000 / mr)} end
  take(KEYS[2], mutations - writes, mr, mb)
end
take(KEYS[1], requests - 1, rr, rb)
return {0, 0}
`;

type Admit = (requests: string, mutations: string, revoked: string, suspended: string, ...argv: number[]) => Promise<[number, number]>;

/**
 * The one gate every edge passes once it knows who calls (GraphQL by API key, the SigV4 APIs by
 * access key, and every edge to come): the role rule for writes, a key revoked or an
 * organization suspended on any api process (their Redis marks), and the key's rates,
 * Panorama's 5 requests/s and 1 mutation/s as token buckets with a burst (AWS's quotas are a
 * rate and a burst). Every write of a request counts, so aliases cannot batch past the limit; a
 * refusal carries `retryAfterMs`. One Redis round trip; the buckets hold across every api process.
 */
@Injectable()
export class RequestAdmission {
  private readonly quotas = new Map<string, { quotas: Quotas; expires: number }>();
  private readonly admitScript: Admit;

  constructor(
    private readonly organizations: OrganizationService,
    redis: RedisConnections,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    const shared = redis.shared as Redis & { edgefleetAdmit?: Admit };
    if (!shared.edgefleetAdmit) shared.defineCommand('edgefleetAdmit', { numberOfKeys: 4, lua: ADMIT });
    this.admitScript = shared.edgefleetAdmit!.bind(shared);
  }

  /** `writes`: how many changes the request makes (mutation fields; 1 for a REST write; 0 to read). */
  async admit(principal: Principal, writes: number): Promise<void> {
    if (writes > 0) assertMayWrite(principal.role);
    const q = await this.quotasOf(principal.organizationId);
    // A second's worth of the rate always fits in one burst.
    const requestBurst = Math.max(q.requestBurst, q.requestsPerSecond);
    const mutationBurst = Math.max(q.mutationBurst, q.mutationsPerSecond);
    const prefix = this.config.REDIS_PREFIX;
    const bucket = `${prefix}:ratelimit:${principal.apiKeyId}`;
    const [outcome, retryAfterMs] = await this.admitScript(
      `${bucket}:requests`,
      `${bucket}:mutations`,
      revokedKeyMark(prefix, principal.apiKeyId),
      suspendedOrganizationMark(prefix, principal.organizationId),
      this.clock.now().getTime(),
      q.requestsPerSecond,
      requestBurst,
      writes,
      q.mutationsPerSecond,
      mutationBurst,
    );
    if (outcome === -1) throw new DomainError('API_KEY_INVALID', 'This key was revoked.');
    if (outcome === -2) throw new DomainError('ORGANIZATION_SUSPENDED', 'The organization of this key is suspended; ask the installation administrator.');
    if (outcome === 1) {
      throw new DomainError('REQUEST_RATE_EXCEEDED', `This key may make ${q.requestsPerSecond} requests per second (bursts of ${requestBurst}); retry in ${retryAfterMs} ms.`, {
        limit: q.requestsPerSecond,
        burst: requestBurst,
        retryAfterMs,
      });
    }
    if (outcome === 2) {
      throw new DomainError('MUTATION_RATE_EXCEEDED', `This key may run ${q.mutationsPerSecond} mutations per second (bursts of ${mutationBurst}); retry in ${retryAfterMs} ms.`, {
        limit: q.mutationsPerSecond,
        burst: mutationBurst,
        retryAfterMs,
      });
    }
    if (outcome === 3) {
      // Each mutation of a request counts, aliased ones included: a batch over the burst can never pass as it is.
      throw new DomainError('MUTATION_RATE_EXCEEDED', `This request runs ${writes} mutations; a key may run at most ${mutationBurst} at once: send at most ${mutationBurst} per request.`, {
        limit: q.mutationsPerSecond,
        burst: mutationBurst,
      });
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
