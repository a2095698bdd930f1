import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testDatabase, uniqueName } from './test-env';

export const ROOT = path.resolve(__dirname, '../..');

const given = new Set<number>();
/** Whether a listener could bind 127.0.0.1:port right now. */
export function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port free right now, for a process the test starts to listen on. Taken below Linux's
 * ephemeral range (32768–60999), never handed out twice by this process: a port the OS picks for
 * port 0 comes from that range, where any outgoing connection of a parallel suite may take it
 * before the process binds it.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    if (given.has(port)) continue;
    given.add(port);
    if (await bindable(port)) return port;
  }
}

export interface AppProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/** Starts one of the apps the way `npm start` does: `node -r infra/scripts/register.js apps/<app>/src/<entry>`. */
export function startApp(app: string, env: Record<string, string>, args: string[] = [], entry = 'main.ts'): AppProcess {
  const child = spawn(process.execPath, ['-r', './infra/scripts/register.js', `apps/${app}/src/${entry}`, ...args], {
    cwd: ROOT,
    // Metrics on any free port (each process prints where), so parallel stacks never collide.
    env: { ...process.env, NODE_OPTIONS: '', EDGEFLEET_EXIT_WITH_PARENT: '1', API_METRICS_PORT: '0', WORKER_METRICS_PORT: '0', GATEWAY_METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    stop: async () => {
      // One that ended on its own, failing, says why (a test that waited on it in vain then shows the cause).
      if (child.exitCode !== null && child.exitCode !== 0) console.error(`${app} ${args.join(' ')} had exited with code ${child.exitCode}; its last output:\n${out.slice(-4000)}`);
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resolves once the process has printed a line matching `pattern`. */
export async function waitForOutput(p: AppProcess, pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const m = p.output().match(pattern);
    if (m) return m;
    if (p.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${pattern}; output so far:\n${p.output()}`);
}

export interface Stack {
  url: string;
  key: string;
  env: Record<string, string>;
  dir: string;
  /** Every process started for this stack, to stop after the tests (add agents and fleets here too). */
  running: AppProcess[];
  startWorker: () => Promise<AppProcess>;
  stop: () => Promise<void>;
}

/**
 * Gateway, api and worker as their own processes, as `npm start` runs them, on a test
 * database of their own, with a fresh organization whose ADMIN key is `key`.
 */
export async function startStack(database: Parameters<typeof testDatabase>[0], overrides: Record<string, string> = {}): Promise<Stack> {
  const key = `efk_${randomBytes(24).toString('base64url')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'edgefleet-e2e-'));
  const [apiPort, gatewayPort, credentialsPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    DATABASE_URL: testDatabase(database),
    REDIS_PREFIX: uniqueName('e2e'),
    LOG_LEVEL: 'warn',
    DATA_DIR: path.join(dir, 'server'),
    API_PORT: String(apiPort),
    GATEWAY_PORT: String(gatewayPort),
    CREDENTIALS_PROVIDER_PORT: String(credentialsPort),
    EDGEFLEET_DEFAULT_ORGANIZATION: uniqueName('org'),
    EDGEFLEET_BOOTSTRAP_API_KEY: key,
    RATE_LIMIT_MUTATIONS_PER_SECOND: '100000',
    RATE_LIMIT_REQUESTS_PER_SECOND: '100000',
    ...overrides,
  };
  const running: AppProcess[] = [];
  const startWorker = async () => {
    const worker = startApp('worker', env);
    running.push(worker);
    await waitForOutput(worker, /worker running/);
    return worker;
  };
  const gateway = startApp('gateway', env);
  running.push(gateway);
  await waitForOutput(gateway, /gateway listening/); // creates the CA the api signs claims with
  const api = startApp('api', env);
  running.push(api);
  await Promise.all([waitForOutput(api, /^Console: /m), startWorker()]);
  return { url: `http://127.0.0.1:${apiPort}`, key, env, dir, running, startWorker, stop: async () => {
      await Promise.all(running.map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
