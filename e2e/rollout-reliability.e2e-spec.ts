import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { type Stack, eventually, gql, rolloutOutcome, startApp, startStack, waitForOutput } from './support';

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
  let stack: Stack;
  let url: string;
  let key: string;
  const q = async (query: string, variables: Record<string, unknown> = {}) => {
    const r = await gql(url, key, query, variables);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!;
  };
  const progress = async (id: string) =>
    (await q('query($id: ID!) { rollout(id: $id) { status progress { targeted succeeded failed timedOut queued inProgress } } }', { id })).rollout;
  const untilProgress = (id: string, ok: (r: any) => boolean, ms: number) => eventually(() => progress(id), ok, ms);

  beforeAll(async () => {
    stack = await startStack('reliability', {
      REDIS_URL: `redis://127.0.0.1:6379/${REDIS_DB}`,
      GATEWAY_REDIS_URL: `redis://127.0.0.1:6379/${GATEWAY_REDIS_DB}`,
      QUOTA_DEVICES: String(DEVICES + 10),
      JOB_SWEEP_MS: '250',
    });
    ({ url, key } = stack);
    const fleet = startApp('edge-agent', { ...stack.env, EDGEFLEET_API_KEY: key }, ['--devices', String(DEVICES), '--prefix', 'rel', '--churn', '0', '--concurrency', '16', '--job-step-ms', '100', '--reboot-ms', '500'], 'fleet.main.ts');
    stack.running.push(fleet);
    await waitForOutput(fleet, new RegExp(`fleet ready: ${DEVICES} devices`), 300_000);
  });
  afterAll(() => stack.stop());

  it('survives kill -9 of the worker and a Redis that loses everything, mid-rollout', async () => {
    let worker = stack.running.find((p) => p.output().includes('worker running'))!;
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
    worker = await stack.startWorker();

    // Redis loses everything: queues, jobs, gateway sessions.
    await untilProgress(id, (r) => r.progress.succeeded >= DEVICES / 2, 180_000);
    for (const db of [REDIS_DB, GATEWAY_REDIS_DB]) {
      const redis = new Redis({ host: '127.0.0.1', port: 6379, db });
      await redis.flushdb();
      redis.disconnect();
    }

    const end = await untilProgress(id, (r) => r.status !== 'IN_PROGRESS', 240_000);
    if (end.status !== 'COMPLETED') process.stderr.write(`${JSON.stringify(end)}\n${stack.running.map((p) => p.output().slice(-4000)).join('\n----\n')}\n`);
    expect(end).toMatchObject({ status: 'COMPLETED', progress: { targeted: DEVICES, succeeded: DEVICES, failed: 0, timedOut: 0, queued: 0, inProgress: 0 } });

    // Exactly one job per device, completed in its first execution, the new version on every device, and no image installed twice.
    const fleet = stack.running.find((p) => p.output().includes('fleet ready'))!;
    expect(await rolloutOutcome(stack.env.DATABASE_URL, id, '6.0.0', fleet.output)).toEqual({ devices: DEVICES, jobs: DEVICES, clean: DEVICES, updated: DEVICES, installs: DEVICES, repeatedInstalls: 0 });
  });
});
