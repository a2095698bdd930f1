import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { type ApiKeyRole, DomainError, assertRole, notFound, validationFailed } from '@edgefleet/domain';
import { Clock } from '@edgefleet/runtime';
import { AccessRevocations } from './access-revocations';
import { ApiKeyRepository } from './api-key.repository';
import { AuditService } from './audit.service';
import type { Principal } from './principal';

const KEY_PREFIX = 'efk_';
const CACHE_MS = 2_000;
const LAST_USED_RESOLUTION_MS = 60_000;

export const hashApiKey = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const newApiKeySecret = () => KEY_PREFIX + randomBytes(32).toString('base64url');

/** A key's name as given, trimmed: 1 to 255 characters. */
export function keyName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 255) throw validationFailed('name', 'must be 1 to 255 characters.');
  return name;
}

interface CachedKey {
  principal: Principal | null;
  suspended: boolean;
  lastUsedAt: number;
  expires: number;
}

@Injectable()
export class ApiKeyService {
  /** Keys seen in the last seconds, so a busy key costs no query per request; revocations reach other processes through AccessRevocations. */
  private readonly cache = new Map<string, CachedKey>();
  private readonly activeById = new Map<string, { active: boolean; expires: number }>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditService,
    private readonly revocations: AccessRevocations,
    private readonly clock: Clock,
  ) {}

  /** Creates a key; the secret is returned here once and only its hash is kept. */
  async create(principal: Principal, input: { name: string; role: ApiKeyRole }) {
    assertRole(principal.role, 'ADMIN', 'Creating API keys');
    const name = keyName(input.name);
    const secret = newApiKeySecret();
    const apiKey = await this.keys.transaction(async (tx) => {
      const key = await this.keys.insert(tx, {
        organizationId: principal.organizationId,
        name,
        role: input.role,
        prefix: secret.slice(0, 12),
        hash: hashApiKey(secret),
        createdBy: principal.apiKeyId,
      });
      await this.audit.record(tx, principal, {
        action: 'apiKey.create',
        targetType: 'ApiKey',
        targetId: key.id,
        details: { name, role: input.role },
      });
      return key;
    });
    return { apiKey, secret };
  }

  async revoke(principal: Principal, id: string) {
    assertRole(principal.role, 'ADMIN', 'Revoking API keys');
    const revoked = await this.keys.transaction(async (tx) => {
      const key = await this.keys.find(tx, principal.organizationId, id);
      if (!key) throw notFound('API key', id);
      if (key.revokedAt) throw new DomainError('ALREADY_REVOKED', `API key ${id} is already revoked.`);
      // Concurrent revocations in this organization are serialized, so two cannot both pass this check.
      if (key.role === 'ADMIN' && (await this.keys.lockAndCountAdmins(tx, principal.organizationId)) <= 1) {
        throw new DomainError('LAST_ADMIN_KEY', 'This is the last ADMIN key of the organization; create another ADMIN key first.');
      }
      const revoked = await this.keys.revoke(tx, id, this.clock.now());
      if (!revoked) throw new DomainError('ALREADY_REVOKED', `API key ${id} is already revoked.`);
      await this.audit.record(tx, principal, { action: 'apiKey.revoke', targetType: 'ApiKey', targetId: id });
      return revoked;
    });
    this.cache.delete(revoked.hash);
    this.activeById.delete(id);
    // Every other api process holds the key for up to CACHE_MS: the mark refuses it there at once.
    await this.revocations.keyRevoked(id);
    return revoked;
  }

  async list(principal: Principal) {
    assertRole(principal.role, 'ADMIN', 'Listing API keys');
    return this.keys.list(principal.organizationId);
  }

  /** Whether a key still works (for long-lived sessions such as subscriptions); cached like authenticate. */
  async isActive(apiKeyId: string): Promise<boolean> {
    const now = this.clock.now().getTime();
    const cached = this.activeById.get(apiKeyId);
    if (cached && cached.expires > now) return cached.active;
    const active = await this.keys.isActive(apiKeyId);
    if (this.activeById.size > 10_000) this.activeById.clear();
    this.activeById.set(apiKeyId, { active, expires: now + CACHE_MS });
    return active;
  }

  /** Resolves a presented secret to its principal, or throws UNAUTHENTICATED. */
  async authenticate(secret: string | undefined): Promise<Principal> {
    if (!secret) {
      throw new DomainError('API_KEY_MISSING', 'Send an API key as "Authorization: Bearer <key>".');
    }
    const hash = hashApiKey(secret);
    const now = this.clock.now().getTime();
    let entry = this.cache.get(hash);
    if (!entry || entry.expires < now) {
      const key = await this.keys.byHash(hash);
      const principal =
        key && !key.revokedAt ? { apiKeyId: key.id, organizationId: key.organizationId, role: key.role } : null;
      entry = { principal, suspended: !!key?.organization.suspendedAt, lastUsedAt: key?.lastUsedAt?.getTime() ?? 0, expires: now + CACHE_MS };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, entry);
    }
    if (!entry.principal) throw new DomainError('API_KEY_INVALID', 'The API key is unknown or revoked.');
    if (entry.suspended) throw new DomainError('ORGANIZATION_SUSPENDED', 'The organization of this key is suspended; ask the installation administrator.');
    if (now - entry.lastUsedAt > LAST_USED_RESOLUTION_MS) {
      entry.lastUsedAt = now;
      void this.keys.touch(entry.principal.apiKeyId, new Date(now)).catch(() => undefined);
    }
    return entry.principal;
  }
}
