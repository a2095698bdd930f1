import type { INestApplicationContext } from '@nestjs/common';
import { PrismaService } from '@edgefleet/db';
import { DeviceService, type NewDevice } from '@edgefleet/devices';
import type { ApiKeyRole, Quotas } from '@edgefleet/domain';
import { ApiKeyService, OrganizationService, type Principal } from '@edgefleet/organizations';
import { uniqueName } from './test-env';

/** Any running app (api or worker) whose real services the fixtures below use. */
export interface HasApp {
  app: INestApplicationContext;
}

const get = <T>(api: HasApp, type: new (...args: any[]) => T): T => api.app.get(type, { strict: false });

/** Polls until `ok` holds or `ms` pass; returns the last value. */
export async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface TestOrganization {
  organizationId: string;
  adminKey: string;
  admin: Principal;
}

/** A fresh organization with its ADMIN key, made through the real service. */
export async function newOrganization(api: HasApp, quotas: Partial<Quotas> = {}): Promise<TestOrganization> {
  const { organization, apiKey, secret } = await get(api, OrganizationService).create(uniqueName('org'), quotas);
  return { organizationId: organization.id, adminKey: secret, admin: { apiKeyId: apiKey.id, organizationId: organization.id, role: 'ADMIN' } };
}

export async function newKey(api: HasApp, org: TestOrganization, role: ApiKeyRole): Promise<string> {
  return (await get(api, ApiKeyService).create(org.admin, { name: uniqueName(role.toLowerCase()), role })).secret;
}

/** Registers a device the way provisioning does (AWAITING_PROVISIONING). */
export async function seedDevice(api: HasApp, org: TestOrganization, input: Partial<NewDevice> = {}) {
  const prisma = get(api, PrismaService);
  return prisma.$transaction((tx) =>
    get(api, DeviceService).create(tx, org.admin, { name: uniqueName('dev'), ...input }, 1_000),
  );
}
