import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { type AppProcess, ROOT, type Stack, eventually, freePort, gql, rolloutOutcome, startApp, startStack, until, waitForOutput } from './support';
import { collect, subscriptionClient } from './support/subscriptions';

jest.setTimeout(600_000);

const DEVICES = 150;
const HAPROXY = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

interface Gateway {
  name: string;
  process: AppProcess;
  port: number;
  metricsPort: number;
  credentialsPort: number;
}

/**
 * The self-hosted topology past one gateway, as separate processes on this machine: HAProxy
 * (Debian's) in front, TCP passthrough to three gateways (mutual TLS still ends in the gateways;
 * HAProxy checks each one's `/health`) and HTTP to two api processes; two workers; simulated
 * devices provisioned and connected through HAProxy. One gateway is killed mid-rollout: its
 * devices come back through HAProxy to the other two, and the rollout completes with every job
 * exactly once. A GraphQL subscription over WebSocket through HAProxy sees the fleet's changes,
 * whichever api process holds it.
 */
describe('a fleet behind HAProxy: three gateways, two api processes, two workers', () => {
  let stack: Stack;
  let url: string;
  let pg: Client;
  const gateways: Gateway[] = [];
  let haproxy: AppProcess;
  const q = async (query: string, variables: Record<string, unknown> = {}) => {
    const r = await gql(url, stack.key, query, variables);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!;
  };
  const progress = async (id: string) => (await q('query($id: ID!) { rollout(id: $id) { status progress { targeted succeeded failed timedOut queued inProgress } } }', { id })).rollout;
  /** Devices each live gateway holds, as its `/health` says. */
  const held = () =>
    Promise.all(
      gateways
        .filter((g) => g.process.child.exitCode === null && g.process.child.signalCode === null)
        .map(async (g) => [g.name, ((await (await fetch(`http://127.0.0.1:${g.metricsPort}/health`)).json()) as { connectedDevices: number }).connectedDevices] as const),
    ).then(Object.fromEntries) as Promise<Record<string, number>>;

  beforeAll(async () => {
    if (!existsSync(HAPROXY)) throw new Error(`No HAProxy at ${HAPROXY}: apt-get install -y haproxy, or set HAPROXY_BIN.`);
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${httpPort}`;
    const firstMetrics = await freePort();
    // The first gateway, api and worker; every bundle names HAProxy as the device endpoint.
    stack = await startStack('balanced', { GATEWAY_ENDPOINT: `127.0.0.1:${mqttPort}`, GATEWAY_METRICS_PORT: String(firstMetrics), QUOTA_DEVICES: String(DEVICES + 10), JOB_SWEEP_MS: '250' });
    gateways.push({ name: 'gateway1', process: stack.running.find((p) => p.output().includes('gateway listening'))!, port: Number(stack.env.GATEWAY_PORT), metricsPort: firstMetrics, credentialsPort: Number(stack.env.CREDENTIALS_PROVIDER_PORT) });
    for (const name of ['gateway2', 'gateway3']) {
      const [port, metricsPort, credentialsPort] = [await freePort(), await freePort(), await freePort()];
      const gateway = startApp('gateway', { ...stack.env, GATEWAY_PORT: String(port), GATEWAY_METRICS_PORT: String(metricsPort), CREDENTIALS_PROVIDER_PORT: String(credentialsPort) });
      stack.running.push(gateway);
      gateways.push({ name, process: gateway, port, metricsPort, credentialsPort });
    }
    const secondApiPort = await freePort();
    const secondApi = startApp('api', { ...stack.env, API_PORT: String(secondApiPort) });
    stack.running.push(secondApi);
    await Promise.all([...gateways.slice(1).map((g) => waitForOutput(g.process, /gateway listening/)), waitForOutput(secondApi, /^Console: /m), stack.startWorker()]);

    // The configuration users run (infra/haproxy/haproxy.cfg), on this test's ports.
    const ports: Record<string, string | number> = { EDGEFLEET_BIND: '127.0.0.1', HAPROXY_MAXCONN: 4000, DEVICES_PORT: mqttPort, CREDENTIALS_PORT: await freePort(), API_PORT: httpPort, API1_PORT: stack.env.API_PORT, API2_PORT: secondApiPort };
    gateways.forEach((g, i) => Object.assign(ports, { [`GATEWAY${i + 1}_PORT`]: g.port, [`GATEWAY${i + 1}_HEALTH_PORT`]: g.metricsPort, [`GATEWAY${i + 1}_CREDENTIALS_PORT`]: g.credentialsPort }));
    const child = spawn(HAPROXY, ['-db', '-f', path.join(ROOT, 'infra/haproxy/haproxy.cfg')], { env: { PATH: process.env.PATH, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    haproxy = {
      child,
      output: () => out,
      exited,
      stop: async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
    stack.running.push(haproxy);
    await until(() => fetch(`${url}/health`).then((r) => r.status).catch(() => 0), (s) => s === 200, 20_000).catch((err) => {
      throw new Error(`${err.message}\nHAProxy said: ${haproxy.output()}`);
    });

    pg = new Client({ connectionString: stack.env.DATABASE_URL });
    await pg.connect();
    const fleet = startApp('edge-agent', { ...stack.env, EDGEFLEET_API_URL: url, EDGEFLEET_API_KEY: stack.key }, ['--devices', String(DEVICES), '--prefix', 'lb', '--churn', '0', '--concurrency', '16', '--job-step-ms', '200', '--reboot-ms', '500'], 'fleet.main.ts');
    stack.running.push(fleet);
    await waitForOutput(fleet, new RegExp(`fleet ready: ${DEVICES} devices`), 300_000);
  });
  afterAll(async () => {
    await pg?.end();
    await stack?.stop();
  });

  it('spreads the devices over the gateways, and a gateway killed mid-rollout loses no job', async () => {
    // Every device came in through HAProxy, and each gateway holds some of them.
    const spread = await until(held, (h) => Object.values(h).reduce((a, b) => a + b, 0) === DEVICES, 30_000);
    expect(Object.keys(spread).sort()).toEqual(['gateway1', 'gateway2', 'gateway3']);
    for (const n of Object.values(spread)) expect(n).toBeGreaterThan(0);

    // A subscription over WebSocket through HAProxy, on whichever api process it lands.
    const client = subscriptionClient(url, stack.key);
    const updates = collect(client, 'subscription { deviceUpdated { deviceId deviceConnectionStatus } }', {}, DEVICES, 240_000);

    await q('mutation { registerSoftwareImage(input: {version: "7.0.0"}) { id } }');
    const upload = (await q('mutation { createUploadUrl(version: "7.0.0") { url } }')).createUploadUrl.url;
    expect((await fetch(upload, { method: 'PUT', body: randomBytes(1024), headers: { 'content-type': 'application/octet-stream' } })).status).toBe(200);
    const id = (
      await q('mutation($input: CreateRolloutInput!) { createRollout(input: $input) { rollout { id } } }', {
        input: { name: 'behind-haproxy', jobType: 'OTA', deviceJobConfig: { otaJobConfig: { imageVersion: '7.0.0', allowMajorVersionUpdate: true } }, target: { filter: { nameContains: 'lb-' } }, waves: { initialSize: 30, growthFactor: 2 } },
      })
    ).createRollout.rollout.id;
    await eventually(() => progress(id), (r) => r.progress.succeeded >= 30 && r.progress.inProgress > 0, 120_000);

    // SIGKILL the busiest gateway: no disconnects are sent; its devices find the others through HAProxy.
    const before = await held();
    const victim = gateways.find((g) => g.name === Object.entries(before).sort((a, b) => b[1] - a[1])[0][0])!;
    victim.process.child.kill('SIGKILL');
    await victim.process.exited;
    const killedAt = Date.now();
    const back = await until(
      () =>
        pg
          .query(`SELECT count(*) FILTER (WHERE "deviceConnectionStatus" = 'ONLINE')::int AS online, count(*) FILTER (WHERE "connectedAt" >= to_timestamp($1 / 1000.0))::int AS reconnected,
                         (extract(epoch FROM max("connectedAt")) - $1 / 1000.0)::float AS "lastBackAfter" FROM "Device" WHERE name LIKE 'lb-%'`, [killedAt])
          .then((r) => r.rows[0]),
      (r) => r.online === DEVICES && r.reconnected >= before[victim.name],
      120_000,
    );
    const after = await until(held, (h) => Object.values(h).reduce((a, b) => a + b, 0) === DEVICES, 60_000);
    expect(Object.keys(after).sort()).toEqual(['gateway1', 'gateway2', 'gateway3'].filter((n) => n !== victim.name));
    process.stderr.write(`behind HAProxy: ${before[victim.name]} devices of ${victim.name} back through HAProxy, the last ${back.lastBackAfter.toFixed(1)} s after the kill; held before ${JSON.stringify(before)}, after ${JSON.stringify(after)}\n`);

    const end = await eventually(() => progress(id), (r) => r.status !== 'IN_PROGRESS', 300_000).catch(async () => progress(id));
    if (end.status !== 'COMPLETED') process.stderr.write(`${JSON.stringify(end)}\n${stack.running.map((p) => p.output().slice(-4000)).join('\n----\n')}\n`);
    expect(end).toMatchObject({ status: 'COMPLETED', progress: { targeted: DEVICES, succeeded: DEVICES, failed: 0, timedOut: 0, queued: 0, inProgress: 0 } });
    const fleet = stack.running.find((p) => p.output().includes('fleet ready'))!;
    expect(await rolloutOutcome(stack.env.DATABASE_URL, id, '7.0.0', fleet.output)).toEqual({ devices: DEVICES, jobs: DEVICES, clean: DEVICES, updated: DEVICES, installs: DEVICES, repeatedInstalls: 0 });
    // Only the killed gateway is gone: HAProxy, the other gateways, both api processes and both workers run on.
    expect(stack.running.filter((p) => p !== victim.process).map((p) => p.child.exitCode)).toEqual(stack.running.filter((p) => p !== victim.process).map(() => null));

    const { events, error } = await updates;
    await client.dispose();
    expect(error).toBeUndefined();
    expect(events.length).toBeGreaterThan(0);
  });
});
