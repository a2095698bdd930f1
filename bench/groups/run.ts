/**
 * bench/groups: N simulated devices (default 2,000; `--devices 10000`) tagged site=bench, each
 * running the agent's ApplicationsRunner on the simulated runtime, connected to the gateway; the
 * real api, worker and gateway. In one run:
 * 1. a plain DEPLOY_APPLICATION rollout to all of them in one wave (what bench/deploy measures):
 *    time until every instance is DEPLOYMENT_SUCCEEDED and RUNNING, the baseline; its instances
 *    are then removed, so the next deployment too lands on devices running nothing;
 * 2. a dynamic thing group `attributes.site:bench` (createThingGroup): time until the worker has
 *    evaluated it over the fleet;
 * 3. a continuous deployment to the group in one wave (createDeployment): time to 100 % RUNNING;
 *    ratio = baseline time / this time (target ≥ 0.8);
 * 4. J more devices (1,000; 100 with --quick) connected without the tag, then tagged site=bench in
 *    one statement: time until each runs the group's application; rows Postgres read from the
 *    group and deployment tables (its per-table counters) per join, which must not grow with the fleet.
 * Prints one JSON object. Not part of `npm test`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from 'pg';
import { CertificateAuthority } from '@edgefleet/pki';
import { SimulatedRuntime } from '../../apps/edge-agent/src/applications/application.runtime';
import { ApplicationsRunner } from '../../apps/edge-agent/src/applications/applications.runner';
import { codePackage, manifestOf, startDeploymentRollout } from '../deploy/code-package';
import { type BenchContext, type Creds, bench, connectAll, makeDevices, round, samplePeakRss, sleep } from '../support';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '2000' }, 'max-minutes': { type: 'string', default: '10' } }, strict: false });
const DEVICES = Number(values.devices);

/**
 * Rows Postgres read so far (sequential and index fetches) from the tables of groups and group
 * deployments: what evaluating a device's memberships and finding its deployments reads (the
 * Device row itself is one primary-key fetch; every other process reads Device too, so it is left out).
 */
async function groupRowsRead(db: Client): Promise<number> {
  await sleep(1500); // counters reach the shared stats at the end of each backend's transaction, within a second
  const { rows } = await db.query(
    `SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0)::bigint AS n FROM pg_stat_user_tables WHERE relname IN ('ThingGroup', 'ThingGroupMember', 'Deployment', 'DeploymentRevision')`,
  );
  return Number(rows[0].n);
}

/** Waits until `count()` reaches `target`; returns the seconds it took (a phase that does not finish in --max-minutes fails the run). */
async function until(label: string, count: () => Promise<number>, target: number, since: number): Promise<number> {
  const deadline = since + Number(values['max-minutes']) * 60_000;
  let n = 0;
  for (; performance.now() < deadline; await sleep(250)) {
    n = await count();
    process.stderr.write(`${round((performance.now() - since) / 1000, 1)} s: ${label} ${n}/${target}\n`);
    if (n >= target) return round((performance.now() - since) / 1000, 2);
  }
  throw new Error(`${label}: ${n} of ${target} after ${values['max-minutes']} minutes`);
}

async function fleet(ctx: BenchContext, organizationId: string, prefix: string, count: number): Promise<Creds[]> {
  const db = ctx.db;
  const ca = await CertificateAuthority.loadOrCreate(path.join(ctx.dataDir, 'pki'));
  const creds = await makeDevices(db, ca, organizationId, count, prefix);
  const clients = await connectAll(creds, ca.certificatePem, Number(ctx.env.GATEWAY_PORT));
  ctx.defer(() => Promise.all(clients.map((c) => c.endAsync(true))));
  const runtime = new SimulatedRuntime({ delayMs: 50 });
  clients.forEach((client, i) => new ApplicationsRunner(client, creds[i].id, runtime, { dataDir: path.join(ctx.dataDir, 'devices', creds[i].id) }));
  return creds;
}

bench('groups', async (ctx) => {
  const key = `efk_${randomBytes(24).toString('base64url')}`;
  const gateway = await ctx.start('apps/gateway/src/main.ts', {}, /gateway listening/);
  const worker = await ctx.start('apps/worker/src/main.ts', { JOB_SWEEP_MS: '250' }, /worker running/);
  await ctx.start('apps/api/src/main.ts', { EDGEFLEET_BOOTSTRAP_API_KEY: key, RATE_LIMIT_REQUESTS_PER_SECOND: '100000', RATE_LIMIT_MUTATIONS_PER_SECOND: '100000' }, /listening/);
  const q = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`http://127.0.0.1:${ctx.env.API_PORT}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors[0].message);
    return body.data;
  };
  const db = ctx.db;
  const { organizationId, accountId } = (await q('{ whoami { organizationId accountId } }')).whoami;
  await db.query(`UPDATE "Organization" SET quotas = $2 WHERE id = $1`, [organizationId, { deploymentsPerDevicePerDay: 1000 }]);
  await codePackage(db, ctx.dataDir, organizationId);
  const manifest = manifestOf(accountId);
  const prefix = `gb${randomUUID().slice(0, 6)}`;
  process.stderr.write(`creating and connecting ${DEVICES} devices…\n`);
  await fleet(ctx, organizationId, prefix, DEVICES);
  await db.query(`UPDATE "Device" SET tags = '{"site": "bench"}' WHERE name LIKE $1`, [`${prefix}-%`]);
  await sleep(2000); // runners subscribed
  const sampler = samplePeakRss({ worker, gateway });
  const runningOf = async (where: string, arg: string) =>
    (await db.query(`SELECT count(*)::int AS n FROM "ApplicationInstance" WHERE ${where} AND status = 'DEPLOYMENT_SUCCEEDED' AND "healthStatus" = 'RUNNING'`, [arg])).rows[0].n as number;

  // 1. The baseline: a plain deployment rollout, one wave, as createRollout records it.
  const t1 = performance.now();
  const rollout = await startDeploymentRollout(db, organizationId, `plain-${prefix}`, manifest, 'plain', prefix, DEVICES);
  const plainSeconds = await until('plain rollout running', () => runningOf(`"rolloutId" = $1::uuid`, rollout), DEVICES, t1);
  // Removed again (removeApplicationInstance, as an operator would), so that the group deployment, too, lands on devices running nothing.
  const plainIds = (await db.query(`SELECT "applicationInstanceId" AS id FROM "ApplicationInstance" WHERE "rolloutId" = $1::uuid`, [rollout])).rows.map((r) => r.id as string);
  await Promise.all(
    Array.from({ length: 16 }, async (_, w) => {
      for (let i = w; i < plainIds.length; i += 16) await q('mutation($i: String!) { removeApplicationInstance(applicationInstanceId: $i) { status } }', { i: plainIds[i] });
    }),
  );
  const removedOf = async () => (await db.query(`SELECT count(*)::int AS n FROM "ApplicationInstance" WHERE "rolloutId" = $1::uuid AND status = 'REMOVAL_SUCCEEDED'`, [rollout])).rows[0].n as number;
  await until('plain instances removed', removedOf, DEVICES, performance.now());

  // 2. The dynamic group, evaluated over the fleet.
  const t2 = performance.now();
  await q('mutation { createThingGroup(input: {thingGroupName: "bench", queryString: "attributes.site:bench"}) { version } }');
  const groupSeconds = await until('group members', async () => (await q('{ thingGroup(thingGroupName: "bench") { memberCount } }')).thingGroup.memberCount, DEVICES, t2);

  // 3. A continuous deployment to it, one wave.
  const t3 = performance.now();
  const id = (await q('mutation($m: String!, $n: Int!) { createDeployment(input: {deploymentName: "bench", thingGroupName: "bench", manifestPayload: {payloadData: $m}, rollout: {waves: {initialSize: $n, growthFactor: 1}}}) { id } }', { m: manifest, n: DEVICES })).createDeployment.id;
  const groupDeploySeconds = await until('group deployment running', () => runningOf(`"deploymentId" = $1::uuid`, id), DEVICES, t3);

  // 4. Devices joining: connected untagged, then tagged in one statement.
  const JOINERS = ctx.quick ? 100 : 1000;
  const joinPrefix = `gj${randomUUID().slice(0, 6)}`;
  await fleet(ctx, organizationId, joinPrefix, JOINERS);
  await sleep(2000);
  const readBefore = await groupRowsRead(db);
  const t4 = performance.now();
  const tagged = (await db.query(`UPDATE "Device" SET tags = '{"site": "bench"}' WHERE name LIKE $1`, [`${joinPrefix}-%`])).rowCount;
  const joinSeconds = await until('joiners running', () => runningOf(`"deploymentId" = $1::uuid`, id), DEVICES + JOINERS, t4);
  const readAfter = await groupRowsRead(db);
  const rss = sampler.stop();

  const ratio = round(plainSeconds / groupDeploySeconds, 3);
  return {
    benchmark: 'groups',
    devices: DEVICES,
    measured: {
      secondsTo100PercentRunning: groupDeploySeconds,
      deploymentsPerSecond: Math.round(DEVICES / groupDeploySeconds),
      groupEvaluationSeconds: groupSeconds,
      joiners: tagged,
      joinersSecondsUntilAllRunning: joinSeconds,
      groupRowsReadPerJoin: round((readAfter - readBefore) / JOINERS, 1),
    },
    baseline: { what: 'a plain DEPLOY_APPLICATION rollout to the same devices, one wave, same run (seconds to 100 % RUNNING)', value: plainSeconds, unit: 's' },
    ratio,
    target: { ratio: 0.8, note: 'ratio = plain rollout time / group deployment time; rows read per join must not grow with the fleet' },
    met: ratio >= 0.8,
    lost: DEVICES + JOINERS - (await runningOf(`"deploymentId" = $1::uuid`, id)),
    peakRssMb: rss,
  };
});
