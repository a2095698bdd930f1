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
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MqttPublisher } from '@edgefleet/iot';
import { CertificateAuthority } from '@edgefleet/pki';
import { SimulatedRuntime } from '../../apps/edge-agent/src/applications/application.runtime';
import { ApplicationsRunner } from '../../apps/edge-agent/src/applications/applications.runner';
import { bench, connectAll, makeDevices, round, samplePeakRss, sleep } from '../support';
import { codePackage, manifestOf, startDeploymentRollout } from './code-package';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '2000' }, 'max-minutes': { type: 'string', default: '10' } }, strict: false });
const DEVICES = Number(values.devices);

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
  const rollout = await startDeploymentRollout(db, org, `bench-${prefix}`, MANIFEST, 'bench', prefix, DEVICES);

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
