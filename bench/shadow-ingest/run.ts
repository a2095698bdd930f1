/**
 * bench/shadow-ingest: D simulated devices (default 1,000) publish reported `system`
 * updates as fast as the gateway accepts them, for S seconds (default 30). Prints
 * updates persisted per second and publish → accepted latency (accepted is sent after
 * the transaction that updated the shadow and the device row commits), and, in the same
 * run, the gateway's raw pub/sub rate (devices publish plain messages; one subscriber on
 * the gateways' routing layer only counts). Then the gateway's RSS with I idle
 * connections (default 10,000). Prints JSON. Not part of `npm test`.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import mqemitterRedis from 'mqemitter-redis';
import { Client } from 'pg';
import { CertificateAuthority } from '@edgefleet/pki';
import { ROOT, connectAll, makeDevices, migrate, rssMb, startProcess, stopProcess } from '../support';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const IDLE = Number(process.env.BENCH_IDLE ?? 10_000);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/edgefleet_bench';
const DATA_DIR = path.join(ROOT, '.data/bench');
const PORT = 8994;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main() {
  migrate(DATABASE_URL);
  const env = { DATABASE_URL, DATA_DIR, LOG_LEVEL: process.env.BENCH_GATEWAY_LOG_LEVEL ?? 'warn', GATEWAY_PORT: String(PORT), PRESENCE_HEARTBEAT_SECONDS: '300' };
  const gateway = await startProcess('apps/gateway/src/main.ts', env, /gateway listening/);
  const ca = await CertificateAuthority.loadOrCreate(path.join(DATA_DIR, 'pki'));
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  const org = (await db.query(`INSERT INTO "Organization" (id, name, "accountId") VALUES (gen_random_uuid(), $1, $2) RETURNING id`, [`ingest-${randomUUID().slice(0, 8)}`, String(Date.now()).slice(-12)])).rows[0].id;

  // 1. Shadow ingest.
  const creds = await makeDevices(db, ca, org, DEVICES, 'ingest');
  const clients = await connectAll(creds, ca.certificatePem, PORT);
  const latencies: number[] = [];
  let stop = false;
  const sent = new Map<string, number>();
  await Promise.all(
    clients.map(async (client, i) => {
      const base = `$aws/things/${creds[i].id}/shadow/name/system/update`;
      await client.subscribeAsync(`${base}/accepted`, { qos: 0 });
      client.on('message', (_t, payload) => {
        const token = (JSON.parse(payload.toString()) as { clientToken?: string }).clientToken;
        const t0 = token ? sent.get(token) : undefined;
        if (t0 !== undefined) {
          latencies.push(performance.now() - t0);
          sent.delete(token!);
        }
        if (!stop) publish();
      });
      let n = 0;
      const publish = () => {
        const token = `${i}-${n++}`;
        sent.set(token, performance.now());
        client.publish(base, JSON.stringify({ state: { reported: { uptimeSeconds: n, currentSoftware: '4.3.45' } }, clientToken: token }), { qos: 0 });
      };
      publish(); // one request in flight per device: a closed loop that runs as fast as the pipeline answers
    }),
  );
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  stop = true;
  const ingestSeconds = (performance.now() - t0) / 1000;
  const accepted = latencies.length;
  await new Promise((r) => setTimeout(r, 1000));
  const updatesPerSecond = Math.round(accepted / ingestSeconds);

  // 2. Raw pub/sub through the same gateway and routing, with one counting subscriber.
  const counter = mqemitterRedis({ host: '127.0.0.1', port: 6379, db: 2, enableReadyCheck: false } as never);
  let routed = 0;
  await new Promise<void>((resolve) => counter.on('edgefleet/things/+/bench', (_m: unknown, cb: () => void) => (routed++, cb()), resolve));
  let rawStop = false;
  const rawStart = performance.now();
  await Promise.all(
    clients.map(async (client, i) => {
      const topic = `edgefleet/things/${creds[i].id}/bench`;
      while (!rawStop) {
        await client.publishAsync(topic, 'x', { qos: 1 });
      }
    }).concat([new Promise<void>((r) => setTimeout(() => ((rawStop = true), r()), 10_000))]),
  );
  const rawPerSecond = Math.round(routed / ((performance.now() - rawStart) / 1000));
  await new Promise<void>((r) => counter.close(() => r()));
  await Promise.all(clients.map((c) => c.endAsync(true)));

  // 3. RSS with idle connections.
  const idleCreds = await makeDevices(db, ca, org, IDLE, 'idle');
  const rssBefore = rssMb(gateway.pid!);
  const idle = await connectAll(idleCreds, ca.certificatePem, PORT);
  await new Promise((r) => setTimeout(r, 3000));
  const rssIdle = rssMb(gateway.pid!);
  await Promise.all(idle.map((c) => c.endAsync(true)));
  await db.end();
  await stopProcess(gateway);

  latencies.sort((a, b) => a - b);
  const ratio = Math.round((updatesPerSecond / rawPerSecond) * 100) / 100;
  process.stdout.write(
    JSON.stringify(
      {
        benchmark: 'shadow-ingest',
        devices: DEVICES,
        seconds: Math.round(ingestSeconds),
        updatesPersistedPerSecond: updatesPerSecond,
        publishToAcceptedMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)) },
        rawGatewayPubSubPerSecond: rawPerSecond,
        ratio,
        idleConnections: { count: IDLE, gatewayRssMbBefore: rssBefore, gatewayRssMb: rssIdle },
        targets: { updatesPerSecond: 5000, p99Ms: 250, ratio: 0.3, idleRssMb: 1024 },
      },
      null,
      2,
    ) + '\n',
  );
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
