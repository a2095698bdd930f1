import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { DeviceService, type NewDevice } from '@edgefleet/devices';
import type { ApiKeyRole, Quotas } from '@edgefleet/domain';
import { ApiKeyService, InstallationService, type Principal } from '@edgefleet/organizations';
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

/** Polls until `ok` holds; fails the test, with the last value, when it never does. */
export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const v = await eventually(probe, ok, ms);
  if (!ok(v)) throw new Error(`still not there after ${ms} ms: ${JSON.stringify(v)}`);
  return v;
}

export interface TestOrganization {
  organizationId: string;
  adminKey: string;
  admin: Principal;
}

/** A fresh organization with its ADMIN key, made through the real service. */
export async function newOrganization(api: HasApp, quotas: Partial<Quotas> = {}): Promise<TestOrganization> {
  const { organization, apiKey, secret } = await get(api, InstallationService).create(uniqueName('org'), quotas);
  return { organizationId: organization.id, adminKey: secret, admin: { apiKeyId: apiKey.id, organizationId: organization.id, role: 'ADMIN' } };
}

export async function newKey(api: HasApp, org: TestOrganization, role: ApiKeyRole): Promise<string> {
  return (await get(api, ApiKeyService).create(org.admin, { name: uniqueName(role.toLowerCase()), role })).secret;
}

/** Registers a device the way provisioning does (AWAITING_PROVISIONING). */
export async function seedDevice(api: HasApp, org: TestOrganization, input: Partial<NewDevice> = {}) {
  return get(api, DeviceService).create(org.admin, { name: uniqueName('dev'), ...input }, 1_000);
}

/**
 * What a finished rollout did, counted in Postgres and by the simulated fleet: devices with a
 * job, jobs, jobs completed cleanly (first execution, one attempt), devices on `version`; and
 * the fleet's installs and repeated installs.
 */
export async function rolloutOutcome(databaseUrl: string, rolloutId: string, version: string, fleetOutput: () => string) {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query(
      `SELECT count(DISTINCT j."deviceId")::int AS devices, count(*)::int AS jobs,
              count(*) FILTER (WHERE j.status = 'COMPLETED' AND j."executionNumber" = 1 AND j.attempts = 1)::int AS clean,
              count(*) FILTER (WHERE d."currentSoftware" = $2)::int AS updated
       FROM "DeviceJob" j JOIN "Device" d ON d."deviceId" = j."deviceId" WHERE j."rolloutId" = $1`,
      [rolloutId, version],
    );
    await new Promise((r) => setTimeout(r, 1500)); // the fleet's next progress line
    const counts = [...fleetOutput().matchAll(/installs (\d+) {2}repeated installs (\d+)/g)].at(-1)!;
    return { ...rows[0], installs: Number(counts[1]), repeatedInstalls: Number(counts[2]) } as Record<'devices' | 'jobs' | 'clean' | 'updated' | 'installs' | 'repeatedInstalls', number>;
  } finally {
    await pg.end();
  }
}
