import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import mqtt, { type MqttClient } from 'mqtt';
import { Client } from 'pg';
import { type CertificateAuthority, generateKeyPair } from '@edgefleet/pki';

export const ROOT = path.resolve(__dirname, '..');

/** What every benchmark prints: one JSON object with these fields first, then its own detail. */
export interface BenchResult {
  benchmark: string;
  /** The figures the target is about (rates, latencies, memory). */
  measured: Record<string, unknown>;
  /** The raw speed of the service underneath, measured in the same run. */
  baseline: { what: string; value: number; unit: string };
  /** EdgeFleet ÷ baseline (for memory: EdgeFleet's bytes ÷ the baseline's). */
  ratio: number;
  target: Record<string, unknown>;
  met: boolean;
  /** Updates, jobs or devices that went missing: must be 0. */
  lost: number;
  [detail: string]: unknown;
}

/** Everything one benchmark run owns; `bench()` removes all of it afterwards, whatever happens. */
export interface BenchContext {
  quick: boolean;
  /** A fresh database of this run's own, migrated. */
  databaseUrl: string;
  /** A fresh DATA_DIR (CA, artifacts) of this run's own. */
  dataDir: string;
  /** Env for every EdgeFleet process of the run: its database, data dir, Redis prefix and routing db, free ports. */
  env: Record<string, string>;
  db: Client;
  /** Starts an EdgeFleet entry point (or any script) as a child process; stopped when the run ends. */
  start(script: string, env: Record<string, string>, ready: RegExp): Promise<ChildProcess>;
  /** Stops a process `start` started, before the run ends. */
  stop(child: ChildProcess): Promise<void>;
  /** Registers cleanup to run when the benchmark ends (processes, clients). */
  defer(fn: () => unknown): void;
}

/** Redis database for the gateways' sessions in benchmarks (flushed at start and end; a running instance uses 2). */
const BENCH_GATEWAY_REDIS_DB = Number(process.env.BENCH_GATEWAY_REDIS_DB ?? 11);
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one benchmark in isolation: its own database (`edgefleet_bench_<name>_<random>`), data
 * dir, Redis prefix and ports; prints the result as JSON on stdout; then stops every process it
 * started and drops the database, also when the benchmark fails.
 */
export function bench(name: string, body: (ctx: BenchContext) => Promise<BenchResult>): void {
  const quick = parseArgs({ options: { quick: { type: 'boolean', default: false } }, strict: false }).values.quick === true || process.env.BENCH_QUICK === '1';
  const suffix = randomBytes(4).toString('hex');
  const database = `edgefleet_bench_${name.replace(/-/g, '_')}_${suffix}`;
  const base = new URL(ADMIN_URL);
  base.pathname = `/${database}`;
  const databaseUrl = base.toString();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `edgefleet-bench-${name}-`));
  const gatewayRedisUrl = `redis://127.0.0.1:6379/${BENCH_GATEWAY_REDIS_DB}`;
  const deferred: (() => unknown)[] = [];
  const admin = new Client({ connectionString: ADMIN_URL });
  const flushGatewayRedis = async () => {
    const redis = new Redis(gatewayRedisUrl, { lazyConnect: true });
    await redis.connect();
    await redis.flushdb();
    redis.disconnect();
  };
  const run = async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    migrate(databaseUrl);
    await flushGatewayRedis();
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    deferred.push(() => db.end());
    const [apiPort, gatewayPort, credentialsPort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      REDIS_PREFIX: `bench-${suffix}`,
      GATEWAY_REDIS_URL: gatewayRedisUrl,
      API_PORT: String(apiPort),
      GATEWAY_PORT: String(gatewayPort),
      API_METRICS_PORT: '0',
      WORKER_METRICS_PORT: '0',
      GATEWAY_METRICS_PORT: '0',
      CREDENTIALS_PROVIDER_PORT: String(credentialsPort),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      NODE_ENV: 'production',
      GRAPHIQL: 'false',
      PRESENCE_HEARTBEAT_SECONDS: '300',
    };
    const ctx: BenchContext = {
      quick,
      databaseUrl,
      dataDir,
      env,
      db,
      start: async (script, extra, ready) => {
        const child = await startProcess(script, { ...env, ...extra }, ready);
        deferred.push(() => stopProcess(child));
        return child;
      },
      stop: stopProcess,
      defer: (fn) => deferred.push(fn),
    };
    return body(ctx);
  };
  const cleanup = async () => {
    for (const fn of deferred.reverse()) await Promise.resolve(fn()).catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    await flushGatewayRedis().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  run().then(
    async (result) => {
      await cleanup();
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      process.exit(0);
    },
    async (err) => {
      process.stderr.write(`${err?.stack ?? err}\n`);
      await cleanup();
      process.exit(1);
    },
  );
}

/** Migrates a database of the benchmark's own. */
export function migrate(databaseUrl: string): void {
  execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: 'pipe',
  });
}

/** Runs a TypeScript entry point as its own process (so load and server do not share a core). */
export function startProcess(script: string, env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  // BENCH_CPU_PROF_DIR (set by `npm run bench -- --profile`): each process writes a V8 CPU profile when it exits.
  const prof = process.env.BENCH_CPU_PROF_DIR;
  const profile = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${path.basename(path.dirname(path.dirname(script)))}.${Date.now()}.cpuprofile`, '-r', './bench/cpu-prof-exit.js'] : [];
  const child = spawn(process.execPath, [...profile, '-r', './infra/scripts/register.js', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      if (process.env.BENCH_VERBOSE) process.stderr.write(d);
      if (ready.test(out)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${out}`)));
  });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export async function load(opts: autocannon.Options): Promise<LoadResult> {
  const r = await autocannon(opts);
  return {
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}

export interface Creds {
  id: string;
  cert: string;
  key: string;
}

/** An organization of the run's own, as the api's bootstrap would create it. */
export async function newOrganization(db: Client, name: string, quotas?: object): Promise<string> {
  const { rows } = await db.query(`INSERT INTO "Organization" (id, name, "accountId", quotas) VALUES (gen_random_uuid(), $1, $2, $3) RETURNING id`, [
    `${name}-${randomUUID().slice(0, 8)}`,
    String(Date.now()).slice(-12),
    quotas ?? {},
  ]);
  return rows[0].id;
}

/** Devices and their certificates straight into the registry (provisioning is measured by bench/provisioning), a thousand rows a statement. */
export async function makeDevices(db: Client, ca: CertificateAuthority, organizationId: string, count: number, namePrefix: string): Promise<Creds[]> {
  const out: Creds[] = [];
  for (let start = 0; start < count; start += 1000) {
    const batch: { creds: Creds; name: string; cert: Awaited<ReturnType<CertificateAuthority['issue']>> }[] = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const id = `device-${randomBytes(16).toString('hex').replace(/[^a-z2-7]/g, 'a').slice(0, 26).padEnd(26, 'a')}`;
      const keys = await generateKeyPair();
      const cert = await ca.issue({ commonName: id, publicKey: keys.publicKey, validForMs: 86_400_000, usage: 'client' });
      batch.push({ creds: { id, cert: cert.certificatePem, key: keys.privateKeyPem }, name: `${namePrefix}-${randomUUID().slice(0, 8)}-${i}`, cert });
    }
    const col = <T>(f: (b: (typeof batch)[number]) => T) => batch.map(f);
    await db.query(
      `INSERT INTO "Device" ("deviceId","organizationId",name,"provisioningStatus","deviceConnectionStatus","updatedAt")
       SELECT id, $1, name, 'SUCCEEDED', 'NOT_AVAILABLE', now() FROM unnest($2::text[], $3::text[]) AS u(id, name)`,
      [organizationId, col((b) => b.creds.id), col((b) => b.name)],
    );
    await db.query(
      `INSERT INTO "Certificate" ("certificateId","organizationId","deviceId",kind,"serialNumber",subject,"certificatePem",status,"notBefore","notAfter")
       SELECT c, $1, d, 'DEVICE', s, sub, pem, 'ACTIVE', nb, na FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[]) AS u(c, d, s, sub, pem, nb, na)`,
      [organizationId, col((b) => b.cert.certificateId), col((b) => b.creds.id), col((b) => b.cert.serialNumber), col((b) => b.cert.subject), col((b) => b.cert.certificatePem), col((b) => b.cert.notBefore), col((b) => b.cert.notAfter)],
    );
    out.push(...batch.map((b) => b.creds));
  }
  return out;
}

export function connectAll(creds: Creds[], ca: string, port: number, concurrency = 50): Promise<MqttClient[]> {
  const clients: MqttClient[] = [];
  let next = 0;
  const one = async () => {
    while (next < creds.length) {
      const index = next++;
      const c = creds[index];
      const client = mqtt.connect({ protocol: 'mqtts', host: 'localhost', port, protocolVersion: 4, clientId: c.id, clean: true, keepalive: 300, reconnectPeriod: 0, ca, cert: c.cert, key: c.key });
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
      clients[index] = client; // aligned with creds: client i is device i
    }
  };
  return Promise.all(Array.from({ length: concurrency }, one)).then(() => clients);
}

/** CPU time of a process in seconds (user + system), from /proc; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Every process of the machine running `command` (postgres backends, redis-server). */
function pidsOf(command: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === command;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * Where the machine's CPU went during a measurement: each named process, this process (the load
 * generator) and the services underneath, in percent of one core. `stop()` gives the figures.
 */
export function cpuMeter(processes: Record<string, ChildProcess>): { stop: () => Record<string, number> } {
  // Per process id, so services whose processes come and go (Postgres backends) are counted from what each used in the window.
  const sample = () => {
    const out: Record<string, Map<number, number>> = { load: new Map([[process.pid, cpuSeconds(process.pid)]]) };
    for (const [name, p] of Object.entries(processes)) out[name] = new Map([[p.pid!, cpuSeconds(p.pid!)]]);
    for (const [name, command] of [['postgres', 'postgres'], ['redis', 'redis-server']]) out[name] = new Map(pidsOf(command).map((pid) => [pid, cpuSeconds(pid)]));
    return out;
  };
  const start = sample();
  const t0 = performance.now();
  return {
    stop: () => {
      const end = sample();
      const seconds = (performance.now() - t0) / 1000;
      const used = (name: string) => [...end[name]].reduce((sum, [pid, cpu]) => sum + cpu - (start[name].get(pid) ?? 0), 0);
      return Object.fromEntries(Object.keys(end).map((name) => [name, Math.round((used(name) / seconds) * 100)]));
    },
  };
}

/** Resident memory of a process, in MB. */
export const rssMb = (pid: number) => Math.round(Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) / 1024);

/** Samples the processes' RSS every second; `stop` ends it and gives the peak of each. */
export function samplePeakRss(processes: Record<string, ChildProcess>): { stop: () => Record<string, number> } {
  const peak = Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, rssMb(p.pid!)]));
  const timer = setInterval(() => {
    for (const [name, p] of Object.entries(processes)) peak[name] = Math.max(peak[name], rssMb(p.pid!));
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}
