import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, dataOf, freePort, gql, testDatabase, uniqueName, until } from './support';

jest.setTimeout(240_000);

interface Started {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** `npm start` as a newcomer runs it (infra/scripts/start.js), with its own data directory. */
function npmStart(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [path.join(ROOT, 'infra/scripts/start.js')], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, output: () => out, stop: () => (child.exitCode === null && child.kill('SIGTERM'), exited) };
}

/**
 * The README's first command: `npm start` brings up api, worker, gateway and a small simulated
 * fleet, and prints what a newcomer needs. Run again from another checkout (another data
 * directory, so none of the fleet's identities) on the same database, its fleet comes up too.
 */
describe('npm start', () => {
  const running: Started[] = [];
  afterAll(() => Promise.all(running.map((s) => s.stop())));

  it('comes up with its fleet and both keys printed, and again from a second checkout on the same database', async () => {
    const [api, gateway] = [await freePort(), await freePort()];
    const base = {
      DATABASE_URL: testDatabase('start'),
      REDIS_PREFIX: uniqueName('start'),
      EDGEFLEET_DEFAULT_ORGANIZATION: uniqueName('org'),
      API_PORT: String(api),
      GATEWAY_PORT: String(gateway),
      API_METRICS_PORT: '0',
      WORKER_METRICS_PORT: '0',
      GATEWAY_METRICS_PORT: '0',
      FLEET_DEVICES: '2',
    };
    const url = `http://127.0.0.1:${api}`;
    const simulated = (key: string) => gql(url, key, '{ devices(first: 10, filter: {tags: [{key: "simulated"}]}) { edges { node { deviceId name deviceConnectionStatus } } } }').then(dataOf);
    const checkouts = [mkdtempSync(path.join(tmpdir(), 'checkout-a-')), mkdtempSync(path.join(tmpdir(), 'checkout-b-'))];
    const seen: string[][] = [];
    for (const dir of checkouts) {
      const dataDir = path.join(dir, '.data');
      const started = npmStart({ ...base, DATA_DIR: dataDir });
      running.push(started);
      await until(async () => started.output(), (o) => /fleet ready: 2 devices provisioned/.test(o) || started.child.exitCode !== null, 180_000);
      const out = started.output();
      expect(out).not.toMatch(/failed|exited \(/);
      const key = readFileSync(path.join(dataDir, 'admin-api-key'), 'utf8').trim();
      expect(out).toContain(`Admin API key: ${key}`);
      // The installation admin key: made once, kept 0600 in the data directory, and said where.
      const installation = path.join(dataDir, 'installation-admin-key');
      expect(out).toMatch(/Installation admin key \(organizations: createOrganization, suspendOrganization\): kept in .*installation-admin-key/);
      expect(statSync(installation).mode & 0o777).toBe(0o600);
      const created = await gql(url, readFileSync(installation, 'utf8').trim(), 'mutation($n: String!) { createOrganization(name: $n) { organization { name } } }', { n: uniqueName('tried') });
      expect(created.errors).toBeUndefined();

      const fleet = await until(() => simulated(key), (d) => d.devices.edges.length === 2 && d.devices.edges.every((e: any) => e.node.deviceConnectionStatus === 'ONLINE'), 60_000);
      seen.push(fleet.devices.edges.map((e: any) => e.node.deviceId).sort());
      await started.stop();
    }
    // The second checkout could not reuse the first's devices (their identities are in the first's data directory): it replaced them.
    expect(seen[1]).not.toEqual(seen[0]);
    expect(existsSync(path.join(checkouts[1], '.data', 'fleet'))).toBe(true);
  });
});
