import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { randomBytes, randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Client } from 'pg';
import { type CertificateAuthority, generateKeyPair } from '@edgefleet/pki';

export const ROOT = path.resolve(__dirname, '..');

/** Creates (if needed) and migrates a database of the benchmark's own. */
export function migrate(databaseUrl: string): void {
  execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: 'pipe',
  });
}

/** Runs a TypeScript entry point as its own process (so load and server do not share a core). */
export function startProcess(script: string, env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', './infra/scripts/register.js', script], {
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
  if (child.exitCode !== null) return;
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

/** Devices and their certificates straight into the registry: provisioning is measured by bench/provisioning. */
export async function makeDevices(db: Client, ca: CertificateAuthority, organizationId: string, count: number, namePrefix: string): Promise<Creds[]> {
  const out: Creds[] = [];
  for (let i = 0; i < count; i++) {
    const id = `device-${randomBytes(16).toString('hex').replace(/[^a-z2-7]/g, 'a').slice(0, 26).padEnd(26, 'a')}`;
    const keys = await generateKeyPair();
    const cert = await ca.issue({ commonName: id, publicKey: keys.publicKey, validForMs: 86_400_000, usage: 'client' });
    out.push({ id, cert: cert.certificatePem, key: keys.privateKeyPem });
    await db.query(
      `INSERT INTO "Device" ("deviceId","organizationId",name,"provisioningStatus","deviceConnectionStatus","updatedAt") VALUES ($1,$2,$3,'SUCCEEDED','NOT_AVAILABLE',now())`,
      [id, organizationId, `${namePrefix}-${randomUUID().slice(0, 8)}-${i}`],
    );
    await db.query(
      `INSERT INTO "Certificate" ("certificateId","organizationId","deviceId",kind,"serialNumber",subject,"certificatePem",status,"notBefore","notAfter") VALUES ($1,$2,$3,'DEVICE',$4,$5,$6,'ACTIVE',$7,$8)`,
      [cert.certificateId, organizationId, id, cert.serialNumber, cert.subject, cert.certificatePem, cert.notBefore, cert.notAfter],
    );
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
