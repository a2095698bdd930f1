import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { DomainError, type PolicyDocument, policyAllows } from '@edgefleet/domain';
import { Clock } from '@edgefleet/runtime';
import { type RoleAliasGrant, RoleAliasRepository } from './role-alias.repository';
import { type SessionClaims, SessionCredentials, type TemporaryCredentials } from './session-credentials';

/** How long a request's policy is read from memory: a changed or deleted alias holds within this. */
const GRANT_CACHE_MS = 5000;

/**
 * The two ends of temporary credentials: the credentials provider issues them for a device's
 * role alias, and the S3-compatible endpoint takes them, checking each request against the
 * alias's policy as it is now (so a policy changed or an alias deleted holds within seconds).
 */
@Injectable()
export class SessionGrants {
  private readonly cache = new Map<string, { grant: RoleAliasGrant | null; until: number }>();

  constructor(
    private readonly aliases: RoleAliasRepository,
    private readonly sessions: SessionCredentials,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** The role alias a device of this organization asks credentials for; null when the organization has none of that name. */
  aliasOf(organizationId: string, roleAlias: string): Promise<RoleAliasGrant | null> {
    return this.aliases.grant({ organizationId, roleAlias });
  }

  /** Credentials for the thing, lasting the alias's duration (at most CREDENTIALS_MAX_SECONDS). */
  issue(grant: RoleAliasGrant, thingName: string): TemporaryCredentials {
    const seconds = Math.min(grant.credentialDurationSeconds, this.config.CREDENTIALS_MAX_SECONDS);
    return this.sessions.issue({ organizationId: grant.organizationId, thingName, roleAliasId: grant.id, expiresAt: this.clock.now().getTime() + seconds * 1000 });
  }

  /** The secret to check a request's signature with, and who the credentials stand for; refused when forged or expired (S3's InvalidToken, ExpiredToken). */
  authenticate(accessKeyId: string, sessionToken: string | undefined): { claims: SessionClaims; secretAccessKey: string } {
    const claims = sessionToken ? this.sessions.read(accessKeyId, sessionToken) : undefined;
    if (!claims) throw new DomainError('API_KEY_INVALID', 'The provided token is malformed or otherwise invalid: temporary credentials need the session token issued with them (X-Amz-Security-Token).');
    if (claims.expiresAt <= this.clock.now().getTime()) throw new DomainError('EXPIRED_TOKEN', `The provided token has expired (at ${new Date(claims.expiresAt).toISOString()}): ask the credentials provider for new credentials.`);
    return { claims, secretAccessKey: this.sessions.secretOf(accessKeyId) };
  }

  /** Whether the alias's policy, as it is now, allows `action` on `resource` for this thing; refused outright when the alias is gone or the organization suspended. */
  async allows(claims: SessionClaims, action: string, resource: string): Promise<boolean> {
    const grant = await this.grant(claims.roleAliasId);
    if (!grant || grant.organizationId !== claims.organizationId) throw new DomainError('API_KEY_INVALID', 'The role alias these credentials were issued for no longer exists.');
    if (grant.suspendedAt) throw new DomainError('ORGANIZATION_SUSPENDED', 'The organization of these credentials is suspended; ask the installation administrator.');
    return policyAllows(grant.policyDocument as unknown as PolicyDocument, action, resource, { thingName: claims.thingName });
  }

  private async grant(id: string): Promise<RoleAliasGrant | null> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.grant;
    const grant = await this.aliases.grant({ id });
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(id, { grant, until: now + GRANT_CACHE_MS });
    return grant;
  }
}
