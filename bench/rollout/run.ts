/**
 * bench/rollout: N simulated devices (default 10,000; `--devices 100000`) connected to
 * the gateway receive one OTA rollout with no rate cap (a single wave), run by the real
 * worker. Each device does what an agent does: on notify-next, start-next, report
 * SUCCEEDED, reconnect ("reboot") and report the new version. Prints JSON: devices
 * notified per second (rollout created → last notify-next received), time to 100 %
 * completed, peak worker and gateway RSS, and, in the same run, the raw publish rate of
 * the gateways' routing layer to the same devices (one message per device topic, as the
 * worker's notifications travel). Devices come back from their reboot spread over
 * `--reboot-seconds` (default 20). Not part of `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { MqttPublisher } from '@edgefleet/iot';
import { CertificateAuthority } from '@edgefleet/pki';
import { bench, connectAll, cpuMeter, makeDevices, newOrganization, round, samplePeakRss, sleep } from '../support';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    'max-minutes': { type: 'string', default: '10' },
    'reboot-seconds': { type: 'string', default: '20' },
  },
  strict: false,
});
const DEVICES = Number(values.devices);
/** Devices come back from their reboot spread over this many seconds, as a real fleet does. */
const REBOOT_SECONDS = Number(values['reboot-seconds']);
const VERSION = '9.0.0';

const jobs = (id: string, rest: string) => `$aws/things/${id}/jobs/${rest}`;

bench('rollout', async (ctx) => {
  const PORT = Number(ctx.env.GATEWAY_PORT);
  const gateway = await ctx.start('apps/gateway/src/main.ts', {}, /gateway listening/);
  const worker = await ctx.start('apps/worker/src/main.ts', { JOB_SWEEP_MS: '250' }, /worker running/);
  const ca = await CertificateAuthority.loadOrCreate(`${ctx.dataDir}/pki`);
  const db = ctx.db;
  const org = await newOrganization(db, 'rollout');
  const prefix = `rb${randomUUID().slice(0, 6)}`;
  process.stderr.write(`creating ${DEVICES} devices and certificates…\n`);
  const creds = await makeDevices(db, ca, org, DEVICES, prefix);
  const clients = await connectAll(creds, ca.certificatePem, PORT);
  ctx.defer(() => Promise.all(clients.map((c) => c.endAsync(true))));
  await Promise.all(clients.map((c, i) => c.subscribeAsync([jobs(creds[i].id, 'notify-next'), jobs(creds[i].id, 'start-next/accepted'), jobs(creds[i].id, '+/update/accepted'), `edgefleet/things/${creds[i].id}/bench`], { qos: 0 })));

  // 1. Raw: one message per device topic through the routing layer, as fast as it goes.
  const publisher = new MqttPublisher(ctx.env.GATEWAY_REDIS_URL, ctx.env.REDIS_PREFIX);
  ctx.defer(() => publisher.onModuleDestroy());
  let rawReceived = 0;
  let rawDone!: () => void;
  const allRaw = new Promise<void>((r) => (rawDone = r));
  clients.forEach((c) => c.on('message', (t) => t.endsWith('/bench') && ++rawReceived === DEVICES && rawDone()));
  const rawStart = performance.now();
  await Promise.all(creds.map((c) => publisher.publish(`edgefleet/things/${c.id}/bench`, { x: 1 })));
  await allRaw;
  const rawPerSecond = Math.round(DEVICES / ((performance.now() - rawStart) / 1000));

  // 2. The rollout: devices behave as agents do.
  let notified = 0;
  let lastNotifiedAt = 0;
  const seen = new Set<number>();
  const reboot = (i: number, old: MqttClient) => {
    old.end(true);
    const c = creds[i];
    setTimeout(() => {
      const fresh = mqtt.connect({ protocol: 'mqtts', host: 'localhost', port: PORT, protocolVersion: 4, clientId: c.id, clean: true, keepalive: 300, reconnectPeriod: 2000 + Math.random() * 8000, ca: ca.certificatePem, cert: c.cert, key: c.key });
      // As the agent does: report at QoS 1 on every connect, and again after a refusal (a 5xx under load, a 429).
      const topic = `$aws/things/${c.id}/shadow/name/system/update`;
      const report = () => fresh.publish(topic, JSON.stringify({ state: { reported: { currentSoftware: VERSION } } }), { qos: 1 });
      fresh.on('connect', () => fresh.subscribe(`${topic}/rejected`, { qos: 1 }, report));
      fresh.on('message', (t) => t === `${topic}/rejected` && setTimeout(report, 1000 + Math.random() * 2000));
      clients[i] = fresh;
    }, Math.random() * REBOOT_SECONDS * 1000);
  };
  clients.forEach((client, i) => {
    client.on('message', (topic, payload) => {
      if (topic.endsWith('/bench')) return;
      const body = JSON.parse(payload.toString());
      if (topic.endsWith('/notify-next') && body.execution && !seen.has(i)) {
        seen.add(i);
        notified++;
        lastNotifiedAt = performance.now();
        client.publish(jobs(creds[i].id, 'start-next'), '{}');
      } else if (topic.endsWith('/start-next/accepted') && body.execution) {
        const e = body.execution;
        client.publish(jobs(creds[i].id, `${e.jobId}/update`), JSON.stringify({ status: 'SUCCEEDED', statusDetails: { step: 'REBOOTING' }, expectedVersion: e.versionNumber }));
      } else if (topic.endsWith('/update/accepted')) {
        reboot(i, client);
      }
    });
  });

  await db.query(`INSERT INTO "SoftwareImage" (id, "organizationId", version, sha256, size, "storageKey", "uploadedAt") VALUES (gen_random_uuid(), $1, $2, $3, 1, 'bench', now())`, [org, VERSION, 'b'.repeat(64)]);
  const sampler = samplePeakRss({ worker, gateway });
  const cpu = cpuMeter({ worker, gateway });
  const t0 = performance.now();
  // What createRollout records (GraphQL is measured by the other benchmarks): the rollout, and the outbox row that starts it.
  const rollout = (
    await db.query(
      `WITH r AS (INSERT INTO "Rollout" (id, "organizationId", name, "jobType", "deviceJobConfig", target, waves, "updatedAt")
         VALUES (gen_random_uuid(), $1, $2, 'OTA', $3, $4, $5, now()) RETURNING id)
       INSERT INTO "OutboxMessage" (queue, "jobName", payload, "idempotencyKey") SELECT 'jobs', 'advance-rollout', jsonb_build_object('rolloutId', id), 'advance-' || id || '-created' FROM r RETURNING payload->>'rolloutId' AS id`,
      [org, `bench-${prefix}`, { imageVersion: VERSION, allowMajorVersionUpdate: true }, { filter: { nameContains: prefix } }, { initialSize: DEVICES, growthFactor: 1 }],
    )
  ).rows[0].id;
  await db.query(`SELECT pg_notify('edgefleet_outbox', '')`);

  let status = 'PENDING';
  while (!['COMPLETED', 'ABORTED', 'CANCELED'].includes(status) && performance.now() - t0 < Number(values['max-minutes']) * 60_000) {
    await sleep(1000);
    status = (await db.query(`SELECT status FROM "Rollout" WHERE id = $1`, [rollout])).rows[0].status;
    const done = (await db.query(`SELECT count(*)::int AS n FROM "DeviceJob" WHERE "rolloutId" = $1 AND status = 'COMPLETED'`, [rollout])).rows[0].n;
    process.stderr.write(`\r${Math.round((performance.now() - t0) / 1000)} s: notified ${notified}/${DEVICES}  completed ${done}  rollout ${status}   `);
  }
  const completedSeconds = (performance.now() - t0) / 1000;
  const rss = sampler.stop();
  const cpuPercentOfOneCore = cpu.stop();
  const counts = (await db.query(`SELECT status, count(*)::int AS n FROM "DeviceJob" WHERE "rolloutId" = $1 GROUP BY status`, [rollout])).rows;
  const notifiedPerSecond = Math.round(notified / ((lastNotifiedAt - t0) / 1000));

  const completed = counts.find((c) => c.status === 'COMPLETED')?.n ?? 0;
  const ratio = round(notifiedPerSecond / rawPerSecond);
  return {
    benchmark: 'rollout',
    devices: DEVICES,
    measured: { devicesNotifiedPerSecond: notifiedPerSecond, secondsTo100PercentCompleted: status === 'COMPLETED' ? round(completedSeconds, 1) : null, completed },
    baseline: { what: "raw publish rate of the gateways' routing layer, one message per device topic", value: rawPerSecond, unit: 'msg/s' },
    ratio,
    target: { ratio: 0.5, completedPercent: 100 },
    met: ratio >= 0.5 && completed === DEVICES,
    lost: DEVICES - completed,
    rolloutStatus: status,
    jobs: Object.fromEntries(counts.map((c) => [c.status, c.n])),
    devicesNotified: notified,
    rebootsSpreadOverSeconds: REBOOT_SECONDS,
    peakRssMb: rss,
    cpuPercentOfOneCore,
  };
});
