import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { type Stack, eventually, gql, rolloutOutcome, startApp, startStack, waitForOutput } from './support';

jest.setTimeout(600_000);

const DEVICES = Number(process.env.RESTART_DEVICES ?? 500);
// A Redis database of its own for the gateways' sessions and routing.
const GATEWAY_REDIS_DB = 7;

/**
 * The gateway dies (SIGKILL) under a connected fleet with a rollout running, and is started
 * again: every device reconnects, spread out (backoff with jitter, no thundering herd), presence
 * and shadows converge, and the rollout completes with every job exactly once. How long the last
 * device took is printed, not asserted (no timing assertions in tests).
 */
describe('gateway restart under a connected fleet', () => {
  let stack: Stack;
  let url: string;
  let key: string;
  let pg: Client;
  const q = async (query: string, variables: Record<string, unknown> = {}) => {
    const r = await gql(url, key, query, variables);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!;
  };
  const progress = async (id: string) => (await q('query($id: ID!) { rollout(id: $id) { status progress { targeted succeeded failed timedOut queued inProgress } } }', { id })).rollout;

  beforeAll(async () => {
    stack = await startStack('restart', { GATEWAY_REDIS_URL: `redis://127.0.0.1:6379/${GATEWAY_REDIS_DB}`, QUOTA_DEVICES: String(DEVICES + 10), JOB_SWEEP_MS: '250' });
    ({ url, key } = stack);
    pg = new Client({ connectionString: stack.env.DATABASE_URL });
    await pg.connect();
    const fleet = startApp('edge-agent', { ...stack.env, EDGEFLEET_API_KEY: key }, ['--devices', String(DEVICES), '--prefix', 'gwr', '--churn', '0', '--concurrency', '16', '--job-step-ms', '300', '--reboot-ms', '500'], 'fleet.main.ts');
    stack.running.push(fleet);
    await waitForOutput(fleet, new RegExp(`fleet ready: ${DEVICES} devices`), 300_000);
  });
  afterAll(async () => {
    await pg?.end();
    await stack.stop();
  });

  it('every device comes back, and the rollout across the restart completes exactly once', async () => {
    await q('mutation { registerSoftwareImage(input: {version: "7.0.0"}) { id } }');
    const upload = (await q('mutation { createUploadUrl(version: "7.0.0") { url } }')).createUploadUrl.url;
    await fetch(upload, { method: 'PUT', body: randomBytes(1024), headers: { 'content-type': 'application/octet-stream' } });
    const created = await q('mutation($input: CreateRolloutInput!) { createRollout(input: $input) { rollout { id } } }', {
      input: { name: 'across-restart', jobType: 'OTA', deviceJobConfig: { otaJobConfig: { imageVersion: '7.0.0', allowMajorVersionUpdate: true } }, target: { filter: { nameContains: 'gwr-' } }, waves: { initialSize: DEVICES / 5, growthFactor: 2 } },
    });
    const id = created.createRollout.rollout.id;
    await eventually(() => progress(id), (r) => r.progress.succeeded >= DEVICES / 5 && r.progress.inProgress > 0, 120_000);

    // SIGKILL: no disconnects are sent, no presence is recorded; then the same gateway comes back.
    const gateway = stack.running.find((p) => p.output().includes('gateway listening'))!;
    gateway.child.kill('SIGKILL');
    await gateway.exited;
    const restarted = startApp('gateway', stack.env);
    stack.running.push(restarted);
    await waitForOutput(restarted, /gateway listening/);
    const back = Date.now();

    // Presence converges: every device is ONLINE on a session opened after the restart, and has reported its `system` shadow on it.
    const sessions = () =>
      pg.query(`SELECT count(*) FILTER (WHERE d."deviceConnectionStatus" = 'ONLINE' AND d."connectedAt" >= to_timestamp($1 / 1000.0))::int AS online,
                       count(*) FILTER (WHERE s."updatedAt" >= d."connectedAt" AND d."connectedAt" >= to_timestamp($1 / 1000.0))::int AS reported,
                       (percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM d."connectedAt")) - percentile_cont(0.1) WITHIN GROUP (ORDER BY extract(epoch FROM d."connectedAt")))::float AS spread,
                       (extract(epoch FROM max(d."connectedAt")) - $1 / 1000.0)::float AS "lastBackAfter"
                FROM "Device" d LEFT JOIN "Shadow" s ON s."deviceId" = d."deviceId" AND s.name = 'system' WHERE d.name LIKE 'gwr-%'`, [back]).then((r) => r.rows[0]);
    const converged = await eventually(sessions, (r) => r.online === DEVICES && r.reported === DEVICES, 120_000);
    expect([converged.online, converged.reported]).toEqual([DEVICES, DEVICES]);
    // How long the last device took to open its new session (the gateway stamps it at the handshake): a figure, not a
    // bound (the agent's backoff is capped at 20 s; a loaded machine adds its handshake queue), said for the record.
    process.stderr.write(`gateway restart: ${DEVICES} devices back, the last ${converged.lastBackAfter.toFixed(1)} s after the restart, the middle 80 % over ${converged.spread.toFixed(1)} s\n`);
    // Not a herd: the middle 80 % of the fleet reconnected over more than a second.
    expect(converged.spread).toBeGreaterThan(1);

    const end = await eventually(() => progress(id), (r) => r.status !== 'IN_PROGRESS', 300_000).catch(async () => progress(id));
    if (end.status !== 'COMPLETED') process.stderr.write(`${JSON.stringify(end)}\n${stack.running.map((p) => p.output().slice(-6000)).join('\n----\n')}\n`);
    expect(end).toMatchObject({ status: 'COMPLETED', progress: { targeted: DEVICES, succeeded: DEVICES, failed: 0, timedOut: 0, queued: 0, inProgress: 0 } });
    const fleet = stack.running.find((p) => p.output().includes('fleet ready'))!;
    expect(await rolloutOutcome(stack.env.DATABASE_URL, id, '7.0.0', fleet.output)).toEqual({ devices: DEVICES, jobs: DEVICES, clean: DEVICES, updated: DEVICES, installs: DEVICES, repeatedInstalls: 0 });
  });
});
