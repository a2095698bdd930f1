import { Injectable } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { type ApiKeyRole, DomainError, assertRole } from '@edgefleet/domain';
import { Clock } from '@edgefleet/runtime';
import { SecretStore } from '@edgefleet/secrets';
import { ApiKeyRepository } from './api-key.repository';
import { keyName } from './api-key.service';
import { AuditService } from './audit.service';
import type { Principal } from './principal';

const CACHE_MS = 2_000;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** AWS's shape of an access key id (AKIA… there), so tools that check it accept ours. */
const newAccessKeyId = () => 'EFAK' + Array.from({ length: 16 }, () => BASE32[randomInt(32)]).join('');
const secretName = (accessKeyId: string) => `edgefleet-access-key-${accessKeyId}`;
const ACCESS_KEY_ID = /^EFAK[A-Z2-7]{16}$/;

export interface SigningKey {
  principal: Principal;
  secretAccessKey: string;
}

/**
 * Access keys for SigV4-signed APIs (the Panorama API): an API key with a role, like any
 * other (revoked with revokeApiKey, audited, admitted by RequestAdmission), whose signing secret
 * is kept through the secret-store port and returned once, at creation.
 */
@Injectable()
export class AccessKeyService {
  private readonly cache = new Map<string, { key: SigningKey | DomainError; expires: number }>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditService,
    private readonly secrets: SecretStore,
    private readonly clock: Clock,
  ) {}

  async create(principal: Principal, input: { name: string; role: ApiKeyRole }) {
    assertRole(principal.role, 'ADMIN', 'Creating access keys');
    const name = keyName(input.name);
    const accessKeyId = newAccessKeyId();
    const secretAccessKey = randomBytes(30).toString('base64').replace(/[+/]/g, (c) => (c === '+' ? 'x' : 'y'));
    // The secret first: a key row never exists without it. The row's hash is of a value no one holds, so the key is no bearer key.
    await this.secrets.put(principal.organizationId, secretName(accessKeyId), { secretAccessKey });
    const apiKey = await this.keys.transaction(async (tx) => {
      const key = await this.keys.insert(tx, { organizationId: principal.organizationId, name, role: input.role, prefix: accessKeyId, accessKeyId, hash: randomBytes(32).toString('hex'), createdBy: principal.apiKeyId });
      await this.audit.record(tx, principal, { action: 'accessKey.create', targetType: 'ApiKey', targetId: key.id, details: { name, role: input.role, accessKeyId } });
      return key;
    });
    return { apiKey, accessKeyId, secretAccessKey };
  }

  /** The principal and signing secret of an access key id; UNAUTHENTICATED or FORBIDDEN saying which problem it is. */
  async signingKey(accessKeyId: string): Promise<SigningKey> {
    const now = this.clock.now().getTime();
    let entry = this.cache.get(accessKeyId);
    if (!entry || entry.expires < now) {
      entry = { key: await this.load(accessKeyId), expires: now + CACHE_MS };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(accessKeyId, entry);
    }
    if (entry.key instanceof DomainError) throw entry.key;
    return entry.key;
  }

  private async load(accessKeyId: string): Promise<SigningKey | DomainError> {
    if (!ACCESS_KEY_ID.test(accessKeyId)) return new DomainError('API_KEY_INVALID', `The security token included in the request is invalid: ${JSON.stringify(accessKeyId.slice(0, 40))} is not an EdgeFleet access key id.`);
    const key = await this.keys.byAccessKeyId(accessKeyId);
    if (!key) return new DomainError('API_KEY_INVALID', `The access key ${accessKeyId} does not exist.`);
    if (key.revokedAt) return new DomainError('API_KEY_INVALID', `The access key ${accessKeyId} was revoked.`);
    if (key.organization.suspendedAt) return new DomainError('ORGANIZATION_SUSPENDED', 'The organization of this key is suspended; ask the installation administrator.');
    const { secretAccessKey } = await this.secrets.get(key.organizationId, secretName(accessKeyId));
    return { principal: { apiKeyId: key.id, organizationId: key.organizationId, role: key.role }, secretAccessKey };
  }
}
