import { Inject, Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { CONFIG, type Config } from '@edgefleet/config';
import { PrismaService } from '@edgefleet/db';
import { DomainError, type Quotas, assertResourceName, notFound, resolveQuotas, validationFailed } from '@edgefleet/domain';

import { AccessRevocations } from './access-revocations';
import { hashApiKey, newApiKeySecret } from './api-key.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BootstrapResult {
  organizationId: string;
  /** Set only when this start created the admin key: it is printed once and never again. */
  createdAdminKey?: string;
}

@Injectable()
export class OrganizationService {
  private readonly defaults: Quotas;

  constructor(
    private readonly prisma: PrismaService,
    private readonly revocations: AccessRevocations,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.defaults = {
      devices: config.QUOTA_DEVICES,
      requestsPerSecond: config.RATE_LIMIT_REQUESTS_PER_SECOND,
      mutationsPerSecond: config.RATE_LIMIT_MUTATIONS_PER_SECOND,
      requestBurst: config.RATE_LIMIT_REQUEST_BURST,
      mutationBurst: config.RATE_LIMIT_MUTATION_BURST,
      applicationsPerDevice: 10,
      streamsPerApplication: 8,
      deploymentsPerDevicePerDay: 200,
      packages: config.QUOTA_PACKAGES,
      versionsPerPackage: config.QUOTA_PACKAGE_VERSIONS,
    };
  }

  /** Creates an organization with its first ADMIN key (returned once). */
  async create(name: string, quotas: Partial<Quotas> = {}, actor = 'system:installation') {
    assertResourceName('name', name);
    const secret = newApiKeySecret();
    try {
      return await this.prisma.$transaction(async (tx) => {
        const organization = await tx.organization.create({ data: { name, accountId: newAccountId(), quotas } });
        const apiKey = await tx.apiKey.create({
          data: { organizationId: organization.id, name: 'admin', role: 'ADMIN', prefix: secret.slice(0, 12), hash: hashApiKey(secret) },
        });
        await tx.auditEvent.create({ data: { organizationId: organization.id, actor, action: 'organization.create', targetType: 'Organization', targetId: organization.id } });
        return { organization, apiKey, secret };
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw new DomainError('ALREADY_EXISTS', `An organization named ${name} exists already.`);
      throw err;
    }
  }

  /** Every organization of the installation, oldest first. */
  list() {
    return this.prisma.organization.findMany({ orderBy: { createdAt: 'asc' }, select: { id: true, name: true, accountId: true, createdAt: true, suspendedAt: true } });
  }

  /**
   * Suspends (or, with `suspended` false, restores) an organization: its keys and devices are
   * refused meanwhile, and its devices' live sessions end on every gateway.
   */
  async setSuspended(id: string, suspended: boolean, actor: string) {
    if (!UUID.test(id)) throw validationFailed('id', 'is not an organization id (a UUID).');
    const org = await this.prisma.$transaction(async (tx) => {
      const moved = await tx.organization.updateMany({ where: { id, suspendedAt: suspended ? null : { not: null } }, data: { suspendedAt: suspended ? new Date() : null } });
      const org = await tx.organization.findUnique({ where: { id }, select: { id: true, name: true, accountId: true, createdAt: true, suspendedAt: true } });
      if (!org) throw notFound('Organization', id);
      if (moved.count === 1) {
        await tx.auditEvent.create({ data: { organizationId: id, actor, action: suspended ? 'organization.suspend' : 'organization.resume', targetType: 'Organization', targetId: id } });
      }
      return org;
    });
    await this.revocations.organizationSuspended(id, suspended);
    return org;
  }

  private readonly accountIds = new Map<string, string>();

  /** The organization's 12-digit account id (in ARNs and package names); it never changes, so it is cached. */
  async accountId(organizationId: string): Promise<string> {
    let id = this.accountIds.get(organizationId);
    if (!id) {
      id = (await this.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { accountId: true } })).accountId;
      this.accountIds.set(organizationId, id);
    }
    return id;
  }

  /** The installation's own organization (EDGEFLEET_DEFAULT_ORGANIZATION), once bootstrap made it. */
  async defaultOrganizationId(): Promise<string | undefined> {
    return (await this.prisma.organization.findUnique({ where: { name: this.config.EDGEFLEET_DEFAULT_ORGANIZATION }, select: { id: true } }))?.id;
  }

  async quotas(organizationId: string): Promise<Quotas> {
    const org = await this.prisma.organization.findUnique({ where: { id: organizationId }, select: { quotas: true } });
    if (!org) throw notFound('Organization', organizationId);
    return resolveQuotas(this.defaults, org.quotas);
  }

  /**
   * Makes sure the default organization exists and can be administered: on first start
   * it gets an ADMIN key, printed once; EDGEFLEET_BOOTSTRAP_API_KEY, when set, is that key.
   */
  async bootstrap(): Promise<BootstrapResult> {
    const { EDGEFLEET_DEFAULT_ORGANIZATION: name, EDGEFLEET_BOOTSTRAP_API_KEY: wanted } = this.config;
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('edgefleet:bootstrap'))`;
      const organization =
        (await tx.organization.findUnique({ where: { name } })) ??
        (await tx.organization.create({ data: { name, accountId: newAccountId() } }));
      const result: BootstrapResult = { organizationId: organization.id };
      if (wanted) {
        const hash = hashApiKey(wanted);
        const existing = await tx.apiKey.findUnique({ where: { hash } });
        if (existing && existing.organizationId !== organization.id) {
          throw new DomainError('ALREADY_EXISTS', 'EDGEFLEET_BOOTSTRAP_API_KEY belongs to another organization.');
        }
        if (!existing) {
          await tx.apiKey.create({
            data: { organizationId: organization.id, name: 'bootstrap', role: 'ADMIN', prefix: wanted.slice(0, 12), hash },
          });
        }
        return result;
      }
      const keys = await tx.apiKey.count({ where: { organizationId: organization.id } });
      if (keys === 0) {
        const secret = newApiKeySecret();
        await tx.apiKey.create({
          data: { organizationId: organization.id, name: 'admin', role: 'ADMIN', prefix: secret.slice(0, 12), hash: hashApiKey(secret) },
        });
        result.createdAdminKey = secret;
      }
      return result;
    });
  }
}

const newAccountId = () => String(randomInt(100_000_000_000, 999_999_999_999));
