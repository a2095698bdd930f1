import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ROOT, type Stack, eventually, freePort, gql, rolloutOutcome, startApp, startStack, waitForOutput } from './support';

jest.setTimeout(600_000);

const DEVICES = 200;
/** Debian's PostgreSQL 15 server binaries (the machine's own cluster is left alone). */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Runs a PostgreSQL tool as the postgres user when we are root (initdb and the server refuse root). */
function pg(tool: string, args: string[]): string {
  const command = path.join(PG_BIN, tool);
  // (From / : the postgres user may not enter the checkout.)
  return process.getuid?.() === 0 ? execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8', cwd: '/' }) : execFileSync(command, args, { encoding: 'utf8' });
}

/**
 * Postgres restarted mid-rollout, as an RDS failover does it: a PostgreSQL cluster of this test's
 * own (initdb and pg_ctl, a temp dir, a free port), the api, worker, gateway and 200 simulated
 * devices on it; the cluster restarts while the rollout's waves run. Every process recovers by
 * itself (none restarted), the rollout completes, each device has exactly one job, applied once.
 */
describe('a Postgres restart mid-rollout', () => {
  let stack: Stack;
  let dir: string;
  let data: string;
  let databaseUrl: string;
  const pgctl = (...args: string[]) => pg('pg_ctl', ['-D', data, '-l', path.join(dir, 'postgres.log'), '-w', ...args]);

  beforeAll(async () => {
    if (!existsSync(path.join(PG_BIN, 'initdb'))) throw new Error(`No PostgreSQL server binaries in ${PG_BIN}: apt-get install -y postgresql-15, or set PG_BIN.`);
    dir = mkdtempSync(path.join(tmpdir(), 'edgefleet-pg-'));
    data = path.join(dir, 'data');
    mkdirSync(data);
    if (process.getuid?.() === 0) {
      const { uid, gid } = JSON.parse(execFileSync('sh', ['-c', 'printf \'{"uid": %s, "gid": %s}\' "$(id -u postgres)" "$(id -g postgres)"'], { encoding: 'utf8' }));
      for (const d of [dir, data]) chownSync(d, uid, gid);
    }
    const port = await freePort();
    pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    pgctl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, 'start');
    const admin = new Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE edgefleet');
    await admin.end();
    databaseUrl = `postgresql://postgres@127.0.0.1:${port}/edgefleet`;
    execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'deploy'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: 'pipe' });
    stack = await startStack('failover', { DATABASE_URL: databaseUrl, QUOTA_DEVICES: String(DEVICES + 10), JOB_SWEEP_MS: '250' });
    const fleet = startApp('edge-agent', { ...stack.env, EDGEFLEET_API_KEY: stack.key }, ['--devices', String(DEVICES), '--prefix', 'fo', '--churn', '0', '--concurrency', '16', '--job-step-ms', '100', '--reboot-ms', '500'], 'fleet.main.ts');
    stack.running.push(fleet);
    await waitForOutput(fleet, new RegExp(`fleet ready: ${DEVICES} devices`), 300_000);
  });
  afterAll(async () => {
    await stack?.stop();
    if (data) pgctl('-m', 'immediate', 'stop');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every process recovers by itself, the rollout completes, nothing is lost or installed twice', async () => {
    const q = async (query: string, variables: Record<string, unknown> = {}) => {
      const r = await gql(stack.url, stack.key, query, variables);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data!;
    };
    const progress = async (id: string) => (await q('query($id: ID!) { rollout(id: $id) { status progress { targeted succeeded failed timedOut queued inProgress } } }', { id })).rollout;
    await q('mutation { registerSoftwareImage(input: {version: "7.0.0"}) { id } }');
    const upload = (await q('mutation { createUploadUrl(version: "7.0.0") { url } }')).createUploadUrl.url;
    expect((await fetch(upload, { method: 'PUT', body: randomBytes(1024), headers: { 'content-type': 'application/octet-stream' } })).status).toBe(200);
    const id = (
      await q('mutation($input: CreateRolloutInput!) { createRollout(input: $input) { rollout { id } } }', {
        input: { name: 'failover', jobType: 'OTA', deviceJobConfig: { otaJobConfig: { imageVersion: '7.0.0', allowMajorVersionUpdate: true } }, target: { filter: { nameContains: 'fo-' } }, waves: { initialSize: 20, growthFactor: 2 } },
      })
    ).createRollout.rollout.id;

    // The restart, while the second or third wave runs: every connection of every process is cut.
    await eventually(() => progress(id).catch(() => undefined), (r) => (r?.progress.succeeded ?? 0) >= 30, 120_000);
    const before = Date.now();
    pgctl('-m', 'fast', 'restart');
    process.stdout.write(`postgres restart took ${Date.now() - before} ms\n`);

    const end = await eventually(() => progress(id).catch(() => undefined), (r) => r !== undefined && r.status !== 'IN_PROGRESS', 300_000);
    if (end?.status !== 'COMPLETED') process.stderr.write(`${JSON.stringify(end)}\n${stack.running.map((p) => p.output().slice(-4000)).join('\n----\n')}\n${readFileSync(path.join(dir, 'postgres.log'), 'utf8').slice(-3000)}\n`);
    expect(end).toMatchObject({ status: 'COMPLETED', progress: { targeted: DEVICES, succeeded: DEVICES, failed: 0, timedOut: 0, queued: 0, inProgress: 0 } });
    // No process was restarted: each is the one that started, still running.
    expect(stack.running.map((p) => p.child.exitCode)).toEqual(stack.running.map(() => null));
    const fleet = stack.running.find((p) => p.output().includes('fleet ready'))!;
    expect(await rolloutOutcome(databaseUrl, id, '7.0.0', fleet.output)).toEqual({ devices: DEVICES, jobs: DEVICES, clean: DEVICES, updated: DEVICES, installs: DEVICES, repeatedInstalls: 0 });
  });
});
