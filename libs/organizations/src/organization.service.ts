import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { type Quotas, notFound, resolveQuotas } from '@edgefleet/domain';
import { OrganizationRepository } from './organization.repository';

/** What every feature asks of an organization: its account id, its quotas. */
@Injectable()
export class OrganizationService {
  private readonly defaults: Quotas;
  private readonly accountIds = new Map<string, string>();

  constructor(
    private readonly organizations: OrganizationRepository,
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

  /** The organization's 12-digit account id (in ARNs and package names); it never changes, so it is cached. */
  async accountId(organizationId: string): Promise<string> {
    let id = this.accountIds.get(organizationId);
    if (!id) {
      id = await this.organizations.accountId(organizationId);
      this.accountIds.set(organizationId, id);
    }
    return id;
  }

  /** The installation's own organization (EDGEFLEET_DEFAULT_ORGANIZATION), once bootstrap made it. */
  defaultOrganizationId(): Promise<string | undefined> {
    return this.organizations.idByName(this.config.EDGEFLEET_DEFAULT_ORGANIZATION);
  }

  async quotas(organizationId: string): Promise<Quotas> {
    const overrides = await this.organizations.quotas(organizationId);
    if (overrides === undefined) throw notFound('Organization', organizationId);
    return resolveQuotas(this.defaults, overrides);
  }
}
