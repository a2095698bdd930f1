import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A code package as registerPackageVersion leaves it, its files in the artifact store the api serves. */
export async function codePackage(db: Client, dataDir: string, organizationId: string): Promise<string> {
  const code = Buffer.from('bench code asset');
  const descriptor = Buffer.from(JSON.stringify({ runtimeDescriptor: { envelopeVersion: '2021-01-01', entry: { path: 'python3', name: '/panorama/application.py' } } }));
  const manifest = {
    nodePackage: {
      envelopeVersion: '2021-01-01',
      name: 'BENCH_CODE',
      version: '1.0',
      assets: [{ name: 'code_asset', implementations: [{ type: 'container', assetUri: `${sha256(code)}.tar.gz`, descriptorUri: `${sha256(descriptor)}.json` }] }],
      interfaces: [{ name: 'interface', category: 'business_logic', asset: 'code_asset', outputs: [{ name: 'video_out', type: 'media' }] }],
    },
  };
  const dir = path.join(dataDir, 'packages');
  mkdirSync(dir, { recursive: true });
  const packageId = `package-${randomUUID().replace(/[^a-z]/g, '').padEnd(26, 'a').slice(0, 26)}`;
  await db.query(`INSERT INTO "Package" ("packageId", "organizationId", "packageName") VALUES ($1, $2, 'BENCH_CODE')`, [packageId, organizationId]);
  for (const f of [code, descriptor]) {
    writeFileSync(path.join(dir, sha256(f)), f);
    await db.query(`INSERT INTO "PackageAsset" (id, "packageId", sha256, "sizeBytes", "uploadedAt") VALUES (gen_random_uuid(), $1, $2, $3, now())`, [packageId, sha256(f), f.length]);
  }
  await db.query(
    `INSERT INTO "PackageVersion" (id, "packageId", "packageVersion", "patchVersion", "isLatestPatch", status, descriptor, "registeredTime") VALUES (gen_random_uuid(), $1, '1.0', $2, true, 'REGISTER_COMPLETED', $3, now())`,
    [packageId, sha256(JSON.stringify(manifest)), manifest],
  );
  return packageId;
}

export const manifestOf = (accountId: string) =>
  JSON.stringify({
    nodeGraph: {
      envelopeVersion: '2021-01-01',
      packages: [{ name: `${accountId}::BENCH_CODE`, version: '1.0' }, { name: 'panorama::hdmi_data_sink', version: '1.0' }],
      nodes: [
        { name: 'code_node', interface: `${accountId}::BENCH_CODE.interface` },
        { name: 'output_node', interface: 'panorama::hdmi_data_sink.hdmi0' },
      ],
      edges: [{ producer: 'code_node.video_out', consumer: 'output_node.video_in' }],
    },
  });

/**
 * What createRollout records for a DEPLOY_APPLICATION rollout to the devices whose names contain
 * `namePrefix`, in one wave (GraphQL is measured by the other benchmarks): the rollout, and the
 * outbox row that starts it. Returns its id.
 */
export async function startDeploymentRollout(db: Client, organizationId: string, name: string, manifest: string, instanceName: string, namePrefix: string, devices: number): Promise<string> {
  const deployment = { manifestPayload: manifest, manifestOverridesPayload: null, applicationInstanceName: instanceName, replaceApplicationInstanceName: null };
  const { rows } = await db.query(
    `WITH r AS (INSERT INTO "Rollout" (id, "organizationId", name, "jobType", "deviceJobConfig", target, waves, "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, 'DEPLOY_APPLICATION', $3, $4, $5, now()) RETURNING id)
     INSERT INTO "OutboxMessage" (queue, "jobName", payload, "idempotencyKey") SELECT 'jobs', 'advance-rollout', jsonb_build_object('rolloutId', id), 'advance-' || id || '-created' FROM r RETURNING payload->>'rolloutId' AS id`,
    [organizationId, name, { deployment }, { filter: { nameContains: namePrefix } }, { initialSize: devices, growthFactor: 1 }],
  );
  return rows[0].id;
}
