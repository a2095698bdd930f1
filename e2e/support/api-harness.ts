import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Config } from '@edgefleet/config';
import { PrismaService } from '@edgefleet/db';
import { DeviceService, type NewDevice } from '@edgefleet/devices';
import type { ApiKeyRole, Quotas } from '@edgefleet/domain';
import { ApiKeyService, OrganizationService, type Principal } from '@edgefleet/organizations';
import { createApi } from '../../apps/api/src/api.app';
import { testConfig, uniqueName } from './test-env';

export interface RunningApi {
  app: NestFastifyApplication;
  url: string;
  config: Config;
}

/** The real api, in this process, listening on a free port. */
export async function startApi(overrides: Record<string, string> = {}): Promise<RunningApi> {
  const config = testConfig(overrides);
  const app = await createApi(config);
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), config };
}

export interface TestOrganization {
  organizationId: string;
  adminKey: string;
  admin: Principal;
}

/** A fresh organization with its ADMIN key, made through the real service. */
export async function newOrganization(api: RunningApi, quotas: Partial<Quotas> = {}): Promise<TestOrganization> {
  const { organization, apiKey, secret } = await api.app.get(OrganizationService).create(uniqueName('org'), quotas);
  return { organizationId: organization.id, adminKey: secret, admin: { apiKeyId: apiKey.id, organizationId: organization.id, role: 'ADMIN' } };
}

export async function newKey(api: RunningApi, org: TestOrganization, role: ApiKeyRole): Promise<string> {
  return (await api.app.get(ApiKeyService).create(org.admin, { name: uniqueName(role.toLowerCase()), role })).secret;
}

/** Registers a device the way provisioning does (AWAITING_PROVISIONING). */
export async function seedDevice(api: RunningApi, org: TestOrganization, input: Partial<NewDevice> = {}) {
  const prisma = api.app.get(PrismaService);
  return prisma.$transaction((tx) =>
    api.app.get(DeviceService).create(tx, org.admin, { name: uniqueName('dev'), ...input }, 1_000),
  );
}
