/**
 * bench/scale: the self-hosted topology past one machine's gateway, on this machine as separate
 * processes: HAProxy in front (TCP passthrough; several HAProxy processes sharing the port with
 * SO_REUSEPORT, since one process may hold at most 20,000 files here), four gateways, two workers,
 * and the fleet (default 50,000 devices; `--devices N`) spread over load-generator processes of at
 * most 12,500 devices each. Measures, in one run:
 * - the connection storm: every device connects at once; seconds until all are ONLINE in the
 *   registry, and the handshakes refused or timed out on the way;
 * - the raw routing rate of this topology (one message per device topic through the gateways'
 *   Redis routing), the baseline;
 * - a rollout to every device (one wave), with one gateway SIGKILLed once 30 % are notified: its
 *   devices come back through HAProxy to the others; notified/s against the raw rate, seconds to
 *   100 % COMPLETED, seconds until every device is connected again, jobs lost or run twice;
 * - memory: the machine's (MemAvailable before and with the fleet connected) and each process
 *   group's RSS, in total and per connection.
 * Rollouts are created as createRollout records them (GraphQL is measured elsewhere). No api
 * process runs: nothing here goes through it. Not part of `npm test`; up to 20 minutes.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MqttPublisher } from '@edgefleet/iot';
import { CertificateAuthority } from '@edgefleet/pki';
import type { GeneratorStart, GeneratorStats } from './load-generator';
import { ROOT, bench, freePort, makeDevices, newOrganization, round, rssMb, sleep } from '../support';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '50000' }, 'max-minutes': { type: 'string', default: '15' }, 'reboot-seconds': { type: 'string', default: '20' } }, strict: false });
const DEVICES = Number(values.devices);
const MAX_MS = Number(values['max-minutes']) * 60_000;
const GATEWAYS = 4;
const PER_GENERATOR = 12_500;
const GENERATORS = Math.max(3, Math.ceil(DEVICES / PER_GENERATOR));
/** Connections one HAProxy process holds (two descriptors each, within 20,000 files). */
const HAPROXY_MAXCONN = 9000;
const HAPROXIES = Math.max(1, Math.ceil((DEVICES * 1.3) / HAPROXY_MAXCONN));
const VERSION = '9.0.0';

/** What one connected device costs this machine in all (gateway, HAProxy, Redis, the load generator's own TLS client): 248 KB measured at 25,000, with a margin. */
const KB_PER_DEVICE = 300;

const memAvailableMb = () => Math.round(Number(/MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) / 1024);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

bench('scale', async (ctx) => {
  const before = memAvailableMb();
  // Refuse, rather than let the kernel's OOM killer pick PostgreSQL or Redis.
  const needMb = Math.round((DEVICES * KB_PER_DEVICE) / 1024) + 1500;
  if (needMb > before * 0.9) throw new Error(`${DEVICES} devices need about ${needMb} MB here (${KB_PER_DEVICE} KB a connected device, all processes together, and the processes themselves); this machine has ${before} MB available. Run fewer (--devices), or the topology over several machines.`);
  const gateways: { process: ChildProcess; port: number; health: number }[] = [];
  for (let i = 0; i < GATEWAYS; i++) {
    const [port, health, credentials] = [await freePort(), await freePort(), await freePort()];
    const env = { GATEWAY_PORT: String(port), GATEWAY_METRICS_PORT: String(health), CREDENTIALS_PROVIDER_PORT: String(credentials) };
    gateways.push({ process: await ctx.start('apps/gateway/src/main.ts', env, /gateway listening/), port, health });
  }
  const workers = [await ctx.start('apps/worker/src/main.ts', { JOB_SWEEP_MS: '1000' }, /worker running/), await ctx.start('apps/worker/src/main.ts', { JOB_SWEEP_MS: '1000' }, /worker running/)];

  const devicesPort = await freePort();
  const config = path.join(ctx.dataDir, 'haproxy.cfg');
  writeFileSync(
    config,
    [
      'global',
      `  maxconn ${HAPROXY_MAXCONN}`,
      'defaults',
      '  timeout connect 5s',
      '  timeout client 30m',
      '  timeout server 30m',
      '  retries 3',
      '  option redispatch',
      '  default-server inter 500ms fall 2 rise 2',
      'frontend devices',
      '  mode tcp',
      `  bind 127.0.0.1:${devicesPort}`,
      '  default_backend gateways',
      'backend gateways',
      '  mode tcp',
      '  balance leastconn',
      '  option httpchk',
      '  http-check send meth GET uri /health',
      ...gateways.map((g, i) => `  server gateway${i + 1} 127.0.0.1:${g.port} check port ${g.health}`),
      '',
    ].join('\n'),
  );
  // The same configuration as infra/haproxy/haproxy.cfg's devices frontend, with four gateways; several processes on one port.
  const haproxies = Array.from({ length: HAPROXIES }, () => spawn(process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy', ['-db', '-f', config], { stdio: 'ignore' }));
  ctx.defer(() => haproxies.forEach((h) => h.kill('SIGTERM')));

  const ca = await CertificateAuthority.loadOrCreate(`${ctx.dataDir}/pki`);
  const org = await newOrganization(ctx.db, 'scale');
  const prefix = `sc${Date.now().toString(36)}`;
  process.stderr.write(`creating ${DEVICES} devices and certificates…\n`);
  const creds = await makeDevices(ctx.db, ca, org, DEVICES, prefix);

  // The load generators, each with its share.
  const stats: GeneratorStats[] = [];
  const generators = await Promise.all(
    Array.from({ length: GENERATORS }, (_, g) => {
      const child = fork(path.join(ROOT, 'bench/scale/load-generator.ts'), [], { cwd: ROOT, execArgv: ['-r', './infra/scripts/register.js'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      ctx.defer(() => child.kill('SIGKILL'));
      child.on('message', (m: GeneratorStats) => void (stats[g] = m));
      return new Promise<ChildProcess>((resolve) => child.once('message', () => resolve(child)));
    }),
  );
  const total = (field: keyof GeneratorStats) => sum(stats.map((s) => s?.[field] ?? 0));
  const latest = (field: 'lastNotifiedAt' | 'lastBenchAt' | 'lastBackAt') => Math.max(0, ...stats.map((s) => s?.[field] ?? 0));
  const online = async () => (await ctx.db.query(`SELECT count(*)::int AS n FROM "Device" WHERE "organizationId" = $1 AND "deviceConnectionStatus" = 'ONLINE'`, [org])).rows[0].n as number;
  const deadline = Date.now() + MAX_MS;
  const waitFor = async (what: string, ok: () => Promise<boolean> | boolean) => {
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`${what}: not there within --max-minutes ${values['max-minutes']}`);
      await sleep(500);
    }
  };

  // 1. The connection storm (memory before it: every process up, no device connected).
  const idle = { machineAvailableMb: memAvailableMb(), gatewaysRssMb: sum(gateways.map((g) => rssMb(g.process.pid!))) };
  const stormStart = Date.now();
  generators.forEach((child, g) => child.send({ cmd: 'start', creds: creds.slice(g * Math.ceil(DEVICES / GENERATORS), (g + 1) * Math.ceil(DEVICES / GENERATORS)), ca: ca.certificatePem, port: devicesPort, version: VERSION, rebootSeconds: Number(values['reboot-seconds']) } satisfies GeneratorStart));
  await waitFor('every device ONLINE', async () => {
    const n = await online();
    process.stderr.write(`\rstorm: ${n}/${DEVICES} ONLINE, ${total('connected')} connected, ${total('refused')} refused   `);
    return n === DEVICES;
  });
  const stormSeconds = (Date.now() - stormStart) / 1000;
  const refusedInStorm = total('refused');
  await sleep(2000);
  const available = memAvailableMb();
  const memory = {
    machineUsedByTopologyMb: before - available,
    machineUsedByConnectionsMb: idle.machineAvailableMb - available,
    gatewaysRssMb: sum(gateways.map((g) => rssMb(g.process.pid!))),
    haproxyRssMb: sum(haproxies.map((h) => rssMb(h.pid!))),
    workersRssMb: sum(workers.map((w) => rssMb(w.pid!))),
    loadGeneratorsRssMb: sum(generators.map((g) => rssMb(g.pid!))),
  };
  const held = await Promise.all(gateways.map(async (g) => ((await (await fetch(`http://127.0.0.1:${g.health}/health`)).json()) as { connectedDevices: number }).connectedDevices));
  process.stderr.write(`\nstorm done in ${round(stormSeconds, 1)} s; gateways hold ${held.join(' / ')}\n`);

  // 2. Raw routing of this topology: one message per device topic.
  const publisher = new MqttPublisher(ctx.env.GATEWAY_REDIS_URL, ctx.env.REDIS_PREFIX);
  ctx.defer(() => publisher.onModuleDestroy());
  const rawStart = Date.now();
  for (let i = 0; i < DEVICES; i += 5000) await Promise.all(creds.slice(i, i + 5000).map((c) => publisher.publish(`edgefleet/things/${c.id}/bench`, { x: 1 })));
  await waitFor('every raw message', () => total('benchReceived') >= DEVICES);
  const rawPerSecond = Math.round(DEVICES / ((latest('lastBenchAt') - rawStart) / 1000));

  // 3. The rollout, with a gateway killed once 30 % are notified.
  await ctx.db.query(`INSERT INTO "SoftwareImage" (id, "organizationId", version, sha256, size, "storageKey", "uploadedAt") VALUES (gen_random_uuid(), $1, $2, $3, 1, 'bench', now())`, [org, VERSION, 'b'.repeat(64)]);
  const t0 = Date.now();
  const rollout = (
    await ctx.db.query(
      `WITH r AS (INSERT INTO "Rollout" (id, "organizationId", name, "jobType", "deviceJobConfig", target, waves, "updatedAt")
         VALUES (gen_random_uuid(), $1, $2, 'OTA', $3, $4, $5, now()) RETURNING id)
       INSERT INTO "OutboxMessage" (queue, "jobName", payload, "idempotencyKey") SELECT 'jobs', 'advance-rollout', jsonb_build_object('rolloutId', id), 'advance-' || id || '-created' FROM r RETURNING payload->>'rolloutId' AS id`,
      [org, `scale-${prefix}`, { imageVersion: VERSION, allowMajorVersionUpdate: true }, { filter: { nameContains: prefix } }, { initialSize: DEVICES, growthFactor: 1 }],
    )
  ).rows[0].id;
  await ctx.db.query(`SELECT pg_notify('edgefleet_outbox', '')`);
  await waitFor('30 % notified', () => total('notified') >= DEVICES * 0.3);
  const victim = gateways[held.indexOf(Math.max(...held))];
  const onVictim = Math.max(...held);
  victim.process.kill('SIGKILL');
  const killedAt = Date.now();
  process.stderr.write(`killed a gateway holding ${onVictim} devices, ${round((killedAt - t0) / 1000, 1)} s into the rollout\n`);
  // Back: every device whose connection the kill cut is connected again (through HAProxy, to another gateway).
  await sleep(2000);
  await waitFor('every device of the killed gateway back', () => total('down') === 0);
  const allBackSeconds = (latest('lastBackAt') - killedAt) / 1000;

  let status = 'PENDING';
  await waitFor('the rollout ends', async () => {
    status = (await ctx.db.query(`SELECT status FROM "Rollout" WHERE id = $1`, [rollout])).rows[0].status;
    const done = (await ctx.db.query(`SELECT count(*)::int AS n FROM "DeviceJob" WHERE "rolloutId" = $1 AND status = 'COMPLETED'`, [rollout])).rows[0].n;
    process.stderr.write(`\r${Math.round((Date.now() - t0) / 1000)} s: notified ${total('notified')}/${DEVICES}  completed ${done}  rollout ${status}   `);
    return ['COMPLETED', 'ABORTED', 'CANCELED'].includes(status);
  }).catch((err: Error) => process.stderr.write(`\n${err.message}\n`));
  const completedSeconds = (Date.now() - t0) / 1000;
  const counts = (await ctx.db.query(`SELECT status, count(*)::int AS n FROM "DeviceJob" WHERE "rolloutId" = $1 GROUP BY status`, [rollout])).rows;
  const jobsPerDevice = (await ctx.db.query(`SELECT count(*)::int AS n FROM (SELECT "deviceId" FROM "DeviceJob" WHERE "rolloutId" = $1 GROUP BY "deviceId" HAVING count(*) > 1) d`, [rollout])).rows[0].n as number;
  const completed = counts.find((c) => c.status === 'COMPLETED')?.n ?? 0;
  const notifiedPerSecond = Math.round(total('notified') / ((latest('lastNotifiedAt') - t0) / 1000));
  const ratio = round(notifiedPerSecond / rawPerSecond);
  generators.forEach((g) => g.send({ cmd: 'stop' }));

  return {
    benchmark: 'scale',
    devices: DEVICES,
    measured: {
      stormSecondsToAllOnline: round(stormSeconds, 1),
      refusedHandshakesInStorm: refusedInStorm,
      devicesNotifiedPerSecond: notifiedPerSecond,
      secondsTo100PercentCompleted: status === 'COMPLETED' ? round(completedSeconds, 1) : null,
      secondsUntilKilledGatewaysDevicesAllBack: round(allBackSeconds, 1),
      machineMemoryMbForTopologyAndFleet: memory.machineUsedByTopologyMb,
      machineKbPerConnection: round((memory.machineUsedByConnectionsMb * 1024) / DEVICES, 1),
    },
    baseline: { what: "raw publish rate of this topology's routing (one message per device topic, through Redis and the gateways)", value: rawPerSecond, unit: 'msg/s' },
    ratio,
    target: { ratio: 0.5, completedPercent: 100, jobsRunTwice: 0 },
    met: ratio >= 0.5 && completed === DEVICES && total('repeated') === 0 && jobsPerDevice === 0,
    lost: DEVICES - completed,
    topology: { gateways: GATEWAYS, haproxyProcesses: HAPROXIES, workers: workers.length, loadGenerators: GENERATORS, devicesPerGatewayAfterStorm: held },
    rolloutStatus: status,
    jobs: Object.fromEntries(counts.map((c) => [c.status, c.n])),
    installs: total('installs'),
    jobsHandedOutAgainAfterSuccess: total('repeated'),
    devicesWithMoreThanOneJob: jobsPerDevice,
    killedGatewayHeld: onVictim,
    devicesCutByTheKill: total('cut'),
    memoryMb: memory,
    gatewayKbPerConnection: round(((memory.gatewaysRssMb - idle.gatewaysRssMb) * 1024) / DEVICES, 1),
  };
});
