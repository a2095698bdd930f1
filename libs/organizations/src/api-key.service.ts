import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { PrismaService } from '@edgefleet/db';
import { type ApiKeyRole, DomainError, assertRole, notFound, validationFailed } from '@edgefleet/domain';
import { Clock } from '@edgefleet/runtime';
import { AccessRevocations } from './access-revocations';
import { AuditService } from './audit.service';
import type { Principal } from './principal';

const KEY_PREFIX = 'efk_';
const CACHE_MS = 2_000;
const LAST_USED_RESOLUTION_MS = 60_000;

export const hashApiKey = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const newApiKeySecret = () => KEY_PREFIX + randomBytes(32).toString('base64url');

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
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly revocations: AccessRevocations,
    private readonly clock: Clock,
  ) {}

  /** Creates a key; the secret is returned here once and only its hash is kept. */
  async create(principal: Principal, input: { name: string; role: ApiKeyRole }) {
    assertRole(principal.role, 'ADMIN', 'Creating API keys');
    const name = input.name.trim();
    if (name.length < 1 || name.length > 255) throw validationFailed('name', 'must be 1 to 255 characters.');
    const secret = newApiKeySecret();
    const apiKey = await this.prisma.$transaction(async (tx) => {
      const key = await tx.apiKey.create({
        data: {
          organizationId: principal.organizationId,
          name,
          role: input.role,
          prefix: secret.slice(0, 12),
          hash: hashApiKey(secret),
          createdBy: principal.apiKeyId,
        },
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
    const revoked = await this.prisma.$transaction(async (tx) => {
      const key = await tx.apiKey.findFirst({ where: { id, organizationId: principal.organizationId } });
      if (!key) throw notFound('API key', id);
      if (key.revokedAt) throw new DomainError('ALREADY_REVOKED', `API key ${id} is already revoked.`);
      if (key.role === 'ADMIN') {
        // Serialize concurrent revocations in this organization so two cannot both pass the check below.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'apikeys:' + principal.organizationId}))`;
        const admins = await tx.apiKey.count({
          where: { organizationId: principal.organizationId, role: 'ADMIN', revokedAt: null },
        });
        if (admins <= 1) {
          throw new DomainError('LAST_ADMIN_KEY', 'This is the last ADMIN key of the organization; create another ADMIN key first.');
        }
      }
      const updated = await tx.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: this.clock.now() } });
      if (updated.count !== 1) throw new DomainError('ALREADY_REVOKED', `API key ${id} is already revoked.`);
      await this.audit.record(tx, principal, { action: 'apiKey.revoke', targetType: 'ApiKey', targetId: id });
      return tx.apiKey.findUniqueOrThrow({ where: { id } });
    });
    this.cache.delete(revoked.hash);
    this.activeById.delete(id);
    // Every other api process holds the key for up to CACHE_MS: the mark refuses it there at once.
    await this.revocations.keyRevoked(id);
    return revoked;
  }

  async list(principal: Principal) {
    assertRole(principal.role, 'ADMIN', 'Listing API keys');
    return this.prisma.apiKey.findMany({
      where: { organizationId: principal.organizationId },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Whether a key still works (for long-lived sessions such as subscriptions); cached like authenticate. */
  async isActive(apiKeyId: string): Promise<boolean> {
    const now = this.clock.now().getTime();
    const cached = this.activeById.get(apiKeyId);
    if (cached && cached.expires > now) return cached.active;
    const key = await this.prisma.apiKey.findUnique({ where: { id: apiKeyId }, select: { revokedAt: true } });
    const active = !!key && !key.revokedAt;
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
      const key = await this.prisma.apiKey.findUnique({ where: { hash }, include: { organization: { select: { suspendedAt: true } } } });
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
      void this.prisma.apiKey
        .update({ where: { id: entry.principal.apiKeyId }, data: { lastUsedAt: new Date(now) } })
        .catch(() => undefined);
    }
    return entry.principal;
  }
}
