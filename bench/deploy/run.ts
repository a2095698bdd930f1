/**
 * bench/deploy: N simulated devices (default 2,000; `--devices 5000`) connected to the gateway
 * receive one DEPLOY_APPLICATION rollout with no rate cap (a single wave), run by the real
 * worker: it writes each device's `applications` shadow, the device (the agent's
 * ApplicationsRunner on the simulated runtime) applies it and reports, and the worker follows
 * the reports. The manifest has one code node (whose two small files every device downloads
 * from the api and verifies) and the HDMI output; no camera. Prints JSON: deployments per second (rollout created →
 * last instance DEPLOYMENT_SUCCEEDED and RUNNING), time to 100 % RUNNING, peak worker and gateway
 * RSS, and, in the same run, the raw publish rate of the routing layer to the same devices with
 * a payload the size of one instance's desired state. Not part of `npm test`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from 'pg';
import { MqttPublisher } from '@edgefleet/iot';
import { CertificateAuthority } from '@edgefleet/pki';
import { SimulatedRuntime } from '../../apps/edge-agent/src/applications/application.runtime';
import { ApplicationsRunner } from '../../apps/edge-agent/src/applications/applications.runner';
import { bench, connectAll, makeDevices, round, samplePeakRss, sleep } from '../support';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '2000' }, 'max-minutes': { type: 'string', default: '10' } }, strict: false });
const DEVICES = Number(values.devices);

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A code package as registerPackageVersion leaves it, its files in the artifact store the api serves. */
async function codePackage(db: Client, dataDir: string, organizationId: string): Promise<string> {
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

const manifestOf = (accountId: string) =>
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

bench('deploy', async (ctx) => {
  const gateway = await ctx.start('apps/gateway/src/main.ts', {}, /gateway listening/);
  const worker = await ctx.start('apps/worker/src/main.ts', { JOB_SWEEP_MS: '250' }, /worker running/);
  // Devices download the code asset from the api's signed URLs.
  await ctx.start('apps/api/src/main.ts', {}, /listening/);
  const ca = await CertificateAuthority.loadOrCreate(path.join(ctx.dataDir, 'pki'));
  const db = ctx.db;
  const accountId = String(Date.now()).slice(-12);
  const org = (await db.query(`INSERT INTO "Organization" (id, name, "accountId", quotas) VALUES (gen_random_uuid(), $1, $2, $3) RETURNING id`, [`deploy-${randomUUID().slice(0, 8)}`, accountId, { deploymentsPerDevicePerDay: 1000 }])).rows[0].id;
  await codePackage(db, ctx.dataDir, org);
  const MANIFEST = manifestOf(accountId);
  const prefix = `db${randomUUID().slice(0, 6)}`;
  process.stderr.write(`creating ${DEVICES} devices and certificates…\n`);
  const creds = await makeDevices(db, ca, org, DEVICES, prefix);
  const clients = await connectAll(creds, ca.certificatePem, Number(ctx.env.GATEWAY_PORT));
  ctx.defer(() => Promise.all(clients.map((c) => c.endAsync(true))));
  await Promise.all(clients.map((c, i) => c.subscribeAsync(`edgefleet/things/${creds[i].id}/bench`, { qos: 0 })));

  // 1. Raw: one message the size of an instance's desired state per device, through the routing layer, as fast as it goes.
  const publisher = new MqttPublisher(ctx.env.GATEWAY_REDIS_URL, ctx.env.REDIS_PREFIX);
  ctx.defer(() => publisher.onModuleDestroy());
  const body = { instances: { [`applicationInstance-${'a'.repeat(26)}`]: { name: 'sample', replaces: null, packages: [], files: {}, nodes: JSON.parse(MANIFEST).nodeGraph.nodes, edges: [], ports: [], signals: {} } } };
  let rawReceived = 0;
  let rawDone!: () => void;
  const allRaw = new Promise<void>((r) => (rawDone = r));
  clients.forEach((c) => c.on('message', (t) => t.endsWith('/bench') && ++rawReceived === DEVICES && rawDone()));
  const rawStart = performance.now();
  await Promise.all(creds.map((c) => publisher.publish(`edgefleet/things/${c.id}/bench`, body)));
  await allRaw;
  const rawPerSecond = Math.round(DEVICES / ((performance.now() - rawStart) / 1000));

  // 2. The rollout: every device runs the agent's applications runner on the simulated runtime.
  const runtime = new SimulatedRuntime({ delayMs: 50 });
  clients.forEach((client, i) => new ApplicationsRunner(client, creds[i].id, runtime, { dataDir: path.join(ctx.dataDir, 'deploy-devices', creds[i].id) }));
  await sleep(2000); // runners subscribed
  const sampler = samplePeakRss({ worker, gateway });
  const t0 = performance.now();
  // What createRollout records (GraphQL is measured by the other benchmarks): the rollout, and the outbox row that starts it.
  const deployment = { manifestPayload: MANIFEST, manifestOverridesPayload: null, applicationInstanceName: 'bench', replaceApplicationInstanceName: null };
  const rollout = (
    await db.query(
      `WITH r AS (INSERT INTO "Rollout" (id, "organizationId", name, "jobType", "deviceJobConfig", target, waves, "updatedAt")
         VALUES (gen_random_uuid(), $1, $2, 'DEPLOY_APPLICATION', $3, $4, $5, now()) RETURNING id)
       INSERT INTO "OutboxMessage" (queue, "jobName", payload, "idempotencyKey") SELECT 'jobs', 'advance-rollout', jsonb_build_object('rolloutId', id), 'advance-' || id || '-created' FROM r RETURNING payload->>'rolloutId' AS id`,
      [org, `bench-${prefix}`, { deployment }, { filter: { nameContains: prefix } }, { initialSize: DEVICES, growthFactor: 1 }],
    )
  ).rows[0].id;

  let running = 0;
  let status = 'PENDING';
  while (running < DEVICES && performance.now() - t0 < Number(values['max-minutes']) * 60_000) {
    await sleep(500);
    running = (await db.query(`SELECT count(*)::int AS n FROM "ApplicationInstance" WHERE "rolloutId" = $1 AND status = 'DEPLOYMENT_SUCCEEDED' AND "healthStatus" = 'RUNNING'`, [rollout])).rows[0].n;
    status = (await db.query(`SELECT status FROM "Rollout" WHERE id = $1`, [rollout])).rows[0].status;
    process.stderr.write(`${Math.round((performance.now() - t0) / 1000)} s: running ${running}/${DEVICES}  rollout ${status}\n`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const rss = sampler.stop();
  const counts = (await db.query(`SELECT status, count(*)::int AS n FROM "ApplicationInstance" WHERE "rolloutId" = $1 GROUP BY status`, [rollout])).rows;
  const deploymentsPerSecond = Math.round(running / seconds);

  const ratio = round(deploymentsPerSecond / rawPerSecond, 4);
  return {
    benchmark: 'deploy',
    devices: DEVICES,
    measured: { deploymentsPerSecond, secondsTo100PercentRunning: running === DEVICES ? round(seconds, 1) : null, running },
    baseline: { what: "raw publish rate of the gateways' routing layer, a desired-state-sized message per device", value: rawPerSecond, unit: 'msg/s' },
    ratio,
    target: { runningPercent: 100, note: 'no rate target named' },
    met: running === DEVICES,
    lost: DEVICES - running,
    rolloutStatus: status,
    instances: Object.fromEntries(counts.map((c) => [c.status, c.n])),
    peakRssMb: rss,
  };
});
