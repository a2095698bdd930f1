/**
 * bench/devices-page: D devices (`--devices`, default 100,000); `devices(first: 50)` with a
 * status and a tag filter through the api at 50 connections for 10 s (5 s with `--quick`),
 * against, in the same run, a bare Fastify + pg endpoint answering a plain indexed query for the
 * same rows (checked to be the same devices in the same order). Lost: failed or non-2xx requests.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Client } from 'pg';
import { bench, cpuMeter, load, round } from '../support';
import { plainPage } from './plain-query';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '100000' } }, strict: false });
const DEVICES = Number(values.devices);
const CONNECTIONS = 50;
const KEY = `efk_${randomBytes(32).toString('base64url')}`;
const QUERY = `{ devices(first: 50, filter: {provisioningStatus: SUCCEEDED, tags: [{key: "site", value: "site-3"}]}) {
  edges { cursor node { deviceId arn name provisioningStatus deviceConnectionStatus deviceAggregatedStatus currentSoftware latestSoftware createdTime tags { key value } } }
  pageInfo { hasNextPage endCursor } } }`;

/** Seeds in one server-side statement (no row-by-row inserts), with varied statuses and tags. */
async function seed(db: Client, organizationId: string): Promise<void> {
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

bench('devices-page', async (ctx) => {
  const DURATION = ctx.quick ? 5 : 10;
  const env = {
    GRAPHIQL: 'false',
    EDGEFLEET_DEFAULT_ORGANIZATION: 'bench',
    EDGEFLEET_BOOTSTRAP_API_KEY: KEY,
    // The benchmark measures the api, not Panorama's 5 req/s per key.
    RATE_LIMIT_REQUESTS_PER_SECOND: '1000000',
    RATE_LIMIT_MUTATIONS_PER_SECOND: '1000000',
    QUOTA_DEVICES: String(DEVICES * 2),
  };
  const api = await ctx.start('apps/api/src/main.ts', env, /listening/);
  const { rows } = await ctx.db.query(`SELECT id FROM "Organization" WHERE name = 'bench'`);
  const organizationId: string = rows[0].id;
  await seed(ctx.db, organizationId);
  const expected = (await plainPage(ctx.db, organizationId)).slice(0, 50).map((r) => r.deviceId);

  const apiOpts = {
    url: `http://127.0.0.1:${ctx.env.API_PORT}/graphql`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ query: QUERY }),
    connections: CONNECTIONS,
  };
  // The same 50 devices as the baseline's plain query: the api answers what it is compared with.
  const page = (await (await fetch(apiOpts.url, { method: 'POST', headers: apiOpts.headers, body: apiOpts.body })).json()) as { data: { devices: { edges: { node: { deviceId: string } }[] } } };
  const answered = page.data.devices.edges.map((e) => e.node.deviceId);
  if (JSON.stringify(answered) !== JSON.stringify(expected)) throw new Error(`the api's page differs from the baseline query's rows: ${answered.slice(0, 3)} vs ${expected.slice(0, 3)}`);
  await load({ ...apiOpts, duration: 2 }); // warm-up
  const cpu = cpuMeter({ api });
  const apiResult = await load({ ...apiOpts, duration: DURATION });
  const cpuPercentOfOneCore = cpu.stop();
  await ctx.stop(api);

  const baselinePort = ctx.env.GATEWAY_PORT; // free: no gateway in this run
  const bare = async (sql: 'plain' | 'edgefleet') => {
    const server = await ctx.start('bench/devices-page/baseline.server.ts', { ORGANIZATION_ID: organizationId, PORT: baselinePort, SQL: sql }, /baseline ready/);
    const opts = { url: `http://127.0.0.1:${baselinePort}/devices`, connections: CONNECTIONS };
    await load({ ...opts, duration: 2 });
    const result = await load({ ...opts, duration: DURATION });
    await ctx.stop(server);
    return result;
  };
  const baseResult = await bare('plain');
  const ownSqlResult = await bare('edgefleet');

  const ratio = round(apiResult.requestsPerSecond / baseResult.requestsPerSecond);
  return {
    benchmark: 'devices-page',
    devices: DEVICES,
    measured: { requestsPerSecond: apiResult.requestsPerSecond, p50Ms: apiResult.p50Ms, p99Ms: apiResult.p99Ms },
    baseline: { what: 'a plain indexed page query returning the same 51 rows through bare Fastify + pg', value: baseResult.requestsPerSecond, unit: 'req/s' },
    ratio,
    target: { ratio: 0.5, p99Ms: 50 },
    met: ratio >= 0.5 && apiResult.p99Ms <= 50,
    lost: apiResult.errors + apiResult.non2xx + baseResult.errors + baseResult.non2xx,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    query: 'devices(first: 50, filter: {provisioningStatus: SUCCEEDED, tags: [{key: "site", value: "site-3"}]})',
    api: { ...apiResult, cpuPercentOfOneCore },
    baselineFastifyPg: baseResult,
    edgefleetSqlOnFastifyPg: ownSqlResult,
  };
});
