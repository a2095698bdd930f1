import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { type AppProcess, TEST_DATABASE_URL, freePort, gql, startApp, uniqueName, waitForOutput } from './support';

jest.setTimeout(600_000);

const DEVICES = Number(process.env.RELIABILITY_DEVICES ?? 1000);
// Redis databases of their own, so losing "all of Redis" here cannot touch other test files.
const REDIS_DB = 5;
const GATEWAY_REDIS_DB = 6;

/**
 * A rollout to 1,000 simulated devices survives a worker killed with SIGKILL and a Redis
 * that loses everything: every device ends with exactly one completed job, applied once.
 */
describe('rollout reliability', () => {
  const running: AppProcess[] = [];
  const key = `efk_${randomBytes(24).toString('base64url')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'edgefleet-reliability-'));
  let url: string;
  let env: Record<string, string>;
  const q = async (query: string, variables: Record<string, unknown> = {}) => {
    const r = await gql(url, key, query, variables);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!;
  };
  const progress = async (id: string) =>
    (await q('query($id: ID!) { rollout(id: $id) { status progress { targeted succeeded failed timedOut queued inProgress } } }', { id })).rollout;
  const untilProgress = async (id: string, ok: (r: any) => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = await progress(id);
      if (ok(r) || Date.now() > deadline) return r;
      await new Promise((res) => setTimeout(res, 500));
    }
  };

  beforeAll(async () => {
    const [apiPort, gatewayPort] = [await freePort(), await freePort()];
    env = {
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: `redis://127.0.0.1:6379/${REDIS_DB}`,
      GATEWAY_REDIS_URL: `redis://127.0.0.1:6379/${GATEWAY_REDIS_DB}`,
      REDIS_PREFIX: uniqueName('rel'),
      LOG_LEVEL: 'warn',
      DATA_DIR: path.join(dir, 'server'),
      API_PORT: String(apiPort),
      GATEWAY_PORT: String(gatewayPort),
      EDGEFLEET_DEFAULT_ORGANIZATION: uniqueName('org'),
      EDGEFLEET_BOOTSTRAP_API_KEY: key,
      RATE_LIMIT_MUTATIONS_PER_SECOND: '100000',
      RATE_LIMIT_REQUESTS_PER_SECOND: '100000',
      QUOTA_DEVICES: String(DEVICES + 10),
      JOB_SWEEP_MS: '250',
    };
    const gateway = startApp('gateway', env);
    running.push(gateway);
    await waitForOutput(gateway, /gateway listening/);
    const api = startApp('api', env);
    running.push(api);
    await waitForOutput(api, /GraphiQL/);
    url = `http://127.0.0.1:${apiPort}`;
    const fleet = startApp('edge-agent', { ...env, EDGEFLEET_API_KEY: key }, ['--devices', String(DEVICES), '--prefix', 'rel', '--churn', '0', '--concurrency', '16', '--job-step-ms', '100', '--reboot-ms', '500'], 'fleet.main.ts');
    running.push(fleet);
    await waitForOutput(fleet, new RegExp(`fleet ready: ${DEVICES} devices`), 300_000);
    running.push(fleet);
  });
  afterAll(() => Promise.all(running.map((p) => p.stop())));

  it('survives kill -9 of the worker and a Redis that loses everything, mid-rollout', async () => {
    const startWorker = async () => {
      const w = startApp('worker', env);
      running.push(w);
      await waitForOutput(w, /worker running/);
      return w;
    };
    let worker = await startWorker();
    // The image is registered and uploaded through the api like an operator does it.
    await q('mutation { registerSoftwareImage(input: {version: "6.0.0"}) { id } }');
    const upload = (await q('mutation { createUploadUrl(version: "6.0.0") { url } }')).createUploadUrl.url;
    await fetch(upload, { method: 'PUT', body: randomBytes(1024), headers: { 'content-type': 'application/octet-stream' } });
    const created = await q('mutation($input: CreateRolloutInput!) { createRollout(input: $input) { rollout { id } } }', {
      input: { name: 'reliable', jobType: 'OTA', deviceJobConfig: { otaJobConfig: { imageVersion: '6.0.0', allowMajorVersionUpdate: true } }, target: { filter: { nameContains: 'rel-' } }, waves: { initialSize: 100, growthFactor: 2 } },
    });
    const id = created.createRollout.rollout.id;

    // kill -9 while the second wave runs, and start a new worker.
    await untilProgress(id, (r) => r.progress.succeeded >= DEVICES * 0.15, 120_000);
    worker.child.kill('SIGKILL');
    await worker.exited;
    await new Promise((r) => setTimeout(r, 1000));
    worker = await startWorker();

    // Redis loses everything: queues, jobs, gateway sessions.
    await untilProgress(id, (r) => r.progress.succeeded >= DEVICES / 2, 180_000);
    for (const db of [REDIS_DB, GATEWAY_REDIS_DB]) {
      const redis = new Redis({ host: '127.0.0.1', port: 6379, db });
      await redis.flushdb();
      redis.disconnect();
    }

    const end = await untilProgress(id, (r) => r.status !== 'IN_PROGRESS', 240_000);
    if (end.status !== 'COMPLETED') process.stderr.write(`${JSON.stringify(end)}\n${running.map((p) => p.output().slice(-4000)).join('\n----\n')}\n`);
    expect(end).toMatchObject({ status: 'COMPLETED', progress: { targeted: DEVICES, succeeded: DEVICES, failed: 0, timedOut: 0, queued: 0, inProgress: 0 } });

    // Exactly one job per device, completed in its first execution, and the new version on every device.
    const pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
    try {
      const { rows } = await pg.query(
        `SELECT count(DISTINCT j."deviceId")::int AS devices, count(*)::int AS jobs,
                count(*) FILTER (WHERE j.status = 'COMPLETED' AND j."executionNumber" = 1 AND j.attempts = 1)::int AS clean,
                count(*) FILTER (WHERE d."currentSoftware" = '6.0.0')::int AS updated
         FROM "DeviceJob" j JOIN "Device" d ON d."deviceId" = j."deviceId" WHERE j."rolloutId" = $1`,
        [id],
      );
      expect(rows[0]).toEqual({ devices: DEVICES, jobs: DEVICES, clean: DEVICES, updated: DEVICES });
    } finally {
      await pg.end();
    }
    // No device installed an image twice (the simulator counts every install).
    const fleet = running.find((p) => p.output().includes('fleet ready'))!;
    await new Promise((r) => setTimeout(r, 1500));
    const counts = [...fleet.output().matchAll(/installs (\d+) {2}repeated installs (\d+)/g)].at(-1)!;
    expect([Number(counts[1]), Number(counts[2])]).toEqual([DEVICES, 0]);
  });
});
