import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { DomainError, type Quotas, assertResourceName, notFound, validationFailed } from '@edgefleet/domain';
import { AccessRevocations } from './access-revocations';
import { ApiKeyRepository } from './api-key.repository';
import { hashApiKey, newApiKeySecret } from './api-key.service';
import { AuditService } from './audit.service';
import { OrganizationRepository } from './organization.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const newAccountId = () => String(randomInt(100_000_000_000, 999_999_999_999));

export interface BootstrapResult {
  organizationId: string;
  /** Set only when this start created the admin key: it is printed once and never again. */
  createdAdminKey?: string;
}

/** The installation administrator's use cases: organizations created, listed, suspended; the first start's bootstrap. */
@Injectable()
export class InstallationService {
  constructor(
    private readonly organizations: OrganizationRepository,
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditService,
    private readonly revocations: AccessRevocations,
  ) {}

  /** Creates an organization with its first ADMIN key (returned once). */
  async create(name: string, quotas: Partial<Quotas> = {}, actor = 'system:installation') {
    assertResourceName('name', name);
    const secret = newApiKeySecret();
    try {
      return await this.organizations.transaction(async (tx) => {
        const organization = await this.organizations.insert(tx, { name, accountId: newAccountId(), quotas });
        const apiKey = await this.keys.insert(tx, { organizationId: organization.id, name: 'admin', role: 'ADMIN', prefix: secret.slice(0, 12), hash: hashApiKey(secret) });
        await this.audit.record(tx, { organizationId: organization.id, actor }, { action: 'organization.create', targetType: 'Organization', targetId: organization.id });
        return { organization, apiKey, secret };
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw new DomainError('ALREADY_EXISTS', `An organization named ${name} exists already.`);
      throw err;
    }
  }

  /** Every organization of the installation, oldest first. */
  list() {
    return this.organizations.list();
  }

  /**
   * Suspends (or, with `suspended` false, restores) an organization: its keys and devices are
   * refused meanwhile, and its devices' live sessions end on every gateway.
   */
  async setSuspended(id: string, suspended: boolean, actor: string) {
    if (!UUID.test(id)) throw validationFailed('id', 'is not an organization id (a UUID).');
    const org = await this.organizations.transaction(async (tx) => {
      const changed = await this.organizations.setSuspended(tx, id, suspended);
      const org = await this.organizations.summary(tx, id);
      if (!org) throw notFound('Organization', id);
      if (changed) await this.audit.record(tx, { organizationId: id, actor }, { action: suspended ? 'organization.suspend' : 'organization.resume', targetType: 'Organization', targetId: id });
      return org;
    });
    await this.revocations.organizationSuspended(id, suspended);
    return org;
  }

  /**
   * Makes sure the installation's organization `name` exists and can be administered: on first
   * start it gets an ADMIN key, printed once; `wantedKey` (EDGEFLEET_BOOTSTRAP_API_KEY), when set, is that key.
   */
  async bootstrap(name: string, wantedKey?: string): Promise<BootstrapResult> {
    return this.organizations.transaction(async (tx) => {
      const organization = (await this.organizations.lockForBootstrap(tx, name)) ?? (await this.organizations.insert(tx, { name, accountId: newAccountId() }));
      const result: BootstrapResult = { organizationId: organization.id };
      if (wantedKey) {
        const hash = hashApiKey(wantedKey);
        const existing = await this.keys.findByHash(tx, hash);
        if (existing && existing.organizationId !== organization.id) {
          throw new DomainError('ALREADY_EXISTS', 'EDGEFLEET_BOOTSTRAP_API_KEY belongs to another organization.');
        }
        if (!existing) await this.keys.insert(tx, { organizationId: organization.id, name: 'bootstrap', role: 'ADMIN', prefix: wantedKey.slice(0, 12), hash });
        return result;
      }
      if ((await this.keys.count(tx, organization.id)) === 0) {
        const secret = newApiKeySecret();
        await this.keys.insert(tx, { organizationId: organization.id, name: 'admin', role: 'ADMIN', prefix: secret.slice(0, 12), hash: hashApiKey(secret) });
        result.createdAdminKey = secret;
      }
      return result;
    });
  }
}
