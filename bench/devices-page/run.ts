/**
 * bench/devices-page: 100,000 devices; `devices(first: 50)` with filters through the
 * api at 50 connections for 10 s, against a bare Fastify + pg endpoint running the
 * same SQL in the same run. Prints JSON. Not part of `npm test`.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { load, migrate, startProcess, stopProcess } from '../support';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 50;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/edgefleet_bench';
const API_PORT = 3990;
const BASELINE_PORT = 3991;
const KEY = `efk_${randomBytes(32).toString('base64url')}`;

const QUERY = `{ devices(first: 50, filter: {provisioningStatus: SUCCEEDED, tags: [{key: "site", value: "site-3"}]}) {
  edges { cursor node { deviceId arn name provisioningStatus deviceConnectionStatus deviceAggregatedStatus currentSoftware latestSoftware createdTime tags { key value } } }
  pageInfo { hasNextPage endCursor } } }`;

/** Seeds in one server-side statement (no row-by-row inserts), with varied statuses and tags. */
async function seed(db: Client, organizationId: string): Promise<void> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM "Device" WHERE "organizationId" = $1', [organizationId]);
  if (rows[0].n >= DEVICES) return;
  await db.query('DELETE FROM "Device" WHERE "organizationId" = $1', [organizationId]);
  await db.query(
    `INSERT INTO "Device" ("deviceId", "organizationId", name, "provisioningStatus", "deviceConnectionStatus", "currentSoftware", tags, "createdAt", "updatedAt")
     SELECT 'device-' || substr(md5(random()::text || i), 1, 26), $1::uuid, 'cam-' || i,
            (CASE WHEN i % 10 = 0 THEN 'AWAITING_PROVISIONING' ELSE 'SUCCEEDED' END)::"ProvisioningStatus",
            (CASE WHEN i % 4 = 0 THEN 'OFFLINE' ELSE 'ONLINE' END)::"DeviceConnectionStatus",
            '4.3.' || (i % 60), jsonb_build_object('site', 'site-' || (i % 20), 'floor', (i % 5)::text),
            now() - (i || ' seconds')::interval, now()
     FROM generate_series(1, $2::int) AS i`,
    [organizationId, DEVICES],
  );
  await db.query('ANALYZE "Device"');
}

async function main() {
  migrate(DATABASE_URL);
  const env = {
    DATABASE_URL,
    API_PORT: String(API_PORT),
    LOG_LEVEL: 'warn',
    GRAPHIQL: 'false',
    NODE_ENV: 'production',
    EDGEFLEET_DEFAULT_ORGANIZATION: 'bench',
    EDGEFLEET_BOOTSTRAP_API_KEY: KEY,
    // The benchmark measures the api, not Panorama's 5 req/s per key.
    RATE_LIMIT_REQUESTS_PER_SECOND: '1000000',
    RATE_LIMIT_MUTATIONS_PER_SECOND: '1000000',
    QUOTA_DEVICES: String(DEVICES * 2),
  };
  const api = await startProcess('apps/api/src/main.ts', env, /listening/);
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  const { rows } = await db.query(`SELECT id FROM "Organization" WHERE name = 'bench'`);
  const organizationId: string = rows[0].id;
  await seed(db, organizationId);
  await db.end();

  const apiOpts = {
    url: `http://127.0.0.1:${API_PORT}/graphql`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ query: QUERY }),
    connections: CONNECTIONS,
  };
  await load({ ...apiOpts, duration: 2 }); // warm-up
  const apiResult = await load({ ...apiOpts, duration: DURATION });
  await stopProcess(api);

  const baseline = await startProcess('bench/devices-page/baseline.server.ts', { DATABASE_URL, ORGANIZATION_ID: organizationId, PORT: String(BASELINE_PORT) }, /baseline ready/);
  const baseOpts = { url: `http://127.0.0.1:${BASELINE_PORT}/devices`, connections: CONNECTIONS };
  await load({ ...baseOpts, duration: 2 });
  const baseResult = await load({ ...baseOpts, duration: DURATION });
  await stopProcess(baseline);

  const ratio = Math.round((apiResult.requestsPerSecond / baseResult.requestsPerSecond) * 100) / 100;
  const result = {
    benchmark: 'devices-page',
    devices: DEVICES,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    query: 'devices(first: 50, filter: {provisioningStatus: SUCCEEDED, tags: [{key: "site", value: "site-3"}]})',
    api: apiResult,
    baselineFastifyPg: baseResult,
    ratio,
    targets: { requestsPerSecond: 3000, p99Ms: 50, ratio: 0.5 },
    met: {
      requestsPerSecond: apiResult.requestsPerSecond >= 3000,
      p99Ms: apiResult.p99Ms <= 50,
      ratio: ratio >= 0.5,
    },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
