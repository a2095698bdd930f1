/**
 * bench/gateway-memory: N idle mTLS MQTT connections (`--devices`, default 10,000) held by the
 * EdgeFleet gateway, then, in the same run and with the same certificates, by Mosquitto (the
 * machine's /usr/sbin/mosquitto) given the same CA, a server certificate from it and the same TLS
 * settings (TLS 1.2 or newer, client certificates required). Measures each broker's resident
 * memory per connection (RSS with the connections minus RSS before, ÷ N) and its CPU while the
 * connections sit idle for 10 s. Lost: connections that failed or dropped while idle.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { MqttClient } from 'mqtt';
import { CertificateAuthority, generateKeyPair } from '@edgefleet/pki';
import { type Creds, bench, connectAll, cpuSeconds, freePort, makeDevices, newOrganization, round, rssMb, sleep } from '../support';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '10000' } }, strict: false });
const DEVICES = Number(values.devices);
const MOSQUITTO = process.env.MOSQUITTO ?? '/usr/sbin/mosquitto';
const IDLE_SECONDS = 10;

/** Connects every device, lets them idle, and measures the broker's memory and CPU. */
async function hold(pid: number, creds: Creds[], ca: string, port: number) {
  const rssBefore = rssMb(pid);
  const clients: MqttClient[] = await connectAll(creds, ca, port);
  let dropped = 0;
  clients.forEach((c) => c.on('close', () => dropped++));
  await sleep(3000);
  const cpu0 = cpuSeconds(pid);
  await sleep(IDLE_SECONDS * 1000);
  const idleCpuPercent = round(((cpuSeconds(pid) - cpu0) / IDLE_SECONDS) * 100, 1);
  const rss = rssMb(pid);
  const stillConnected = clients.filter((c) => c.connected).length;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  return { rssMbBefore: rssBefore, rssMb: rss, kbPerConnection: round(((rss - rssBefore) * 1024) / creds.length, 1), idleCpuPercent, connected: stillConnected, dropped: Math.max(0, creds.length - stillConnected) };
}

/** The floor of any Node broker: the same connections held by a bare Node TLS server (no MQTT), raw TLS clients. */
async function holdBareTls(pid: number, creds: Creds[], ca: string, port: number) {
  const rssBefore = rssMb(pid);
  const sockets: TLSSocket[] = [];
  for (let i = 0; i < creds.length; i += 50) {
    await Promise.all(
      creds.slice(i, i + 50).map(
        (c) =>
          new Promise<void>((resolve, reject) => {
            const socket = tlsConnect({ host: '127.0.0.1', port, ca, cert: c.cert, key: c.key, servername: 'localhost' }, () => resolve());
            socket.on('error', reject);
            sockets.push(socket);
          }),
      ),
    );
  }
  await sleep(3000);
  const rss = rssMb(pid);
  for (const s of sockets) s.destroy();
  return { rssMbBefore: rssBefore, rssMb: rss, kbPerConnection: round(((rss - rssBefore) * 1024) / creds.length, 1) };
}

function waitForPort(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const attempt = () => {
      const socket = tcpConnect(port, '127.0.0.1', () => (socket.destroy(), resolve()));
      socket.on('error', () => (Date.now() > deadline ? reject(new Error(`nothing listens on ${port}`)) : setTimeout(attempt, 100)));
    };
    attempt();
  });
}

bench('gateway-memory', async (ctx) => {
  const gateway = await ctx.start('apps/gateway/src/main.ts', {}, /gateway listening/);
  const ca = await CertificateAuthority.loadOrCreate(path.join(ctx.dataDir, 'pki'));
  const org = await newOrganization(ctx.db, 'memory');
  process.stderr.write(`creating ${DEVICES} devices and certificates…\n`);
  const creds = await makeDevices(ctx.db, ca, org, DEVICES, 'idle');
  const edgefleet = await hold(gateway.pid!, creds, ca.certificatePem, Number(ctx.env.GATEWAY_PORT));
  await ctx.stop(gateway);

  // Mosquitto: it drops to the `mosquitto` user, so its directory and key must be readable by it.
  const dir = path.join(ctx.dataDir, 'mosquitto');
  mkdirSync(dir, { recursive: true });
  chmodSync(ctx.dataDir, 0o755);
  chmodSync(dir, 0o755);
  const keys = await generateKeyPair();
  const serverCert = await ca.issue({ commonName: 'localhost', publicKey: keys.publicKey, validForMs: 86_400_000, usage: 'server', subjectAltNames: ['localhost', '127.0.0.1'] });
  writeFileSync(path.join(dir, 'ca.pem'), ca.certificatePem, { mode: 0o644 });
  writeFileSync(path.join(dir, 'server.pem'), serverCert.certificatePem, { mode: 0o644 });
  writeFileSync(path.join(dir, 'server.key'), keys.privateKeyPem, { mode: 0o644 });
  const port = await freePort();
  writeFileSync(
    path.join(dir, 'mosquitto.conf'),
    [`listener ${port} 127.0.0.1`, `cafile ${dir}/ca.pem`, `certfile ${dir}/server.pem`, `keyfile ${dir}/server.key`, 'require_certificate true', 'use_identity_as_username true', 'tls_version tlsv1.2', 'persistence false', 'log_dest stderr', 'log_type none', ''].join('\n'),
    { mode: 0o644 },
  );
  const mosquitto = spawn(MOSQUITTO, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  ctx.defer(() => mosquitto.exitCode === null && mosquitto.kill('SIGTERM'));
  await waitForPort(port);
  const baseline = await hold(mosquitto.pid!, creds, ca.certificatePem, port);
  const version = /mosquitto version (\S+)/.exec(
    await new Promise<string>((resolve) => {
      const v = spawn(MOSQUITTO, ['-h']);
      let out = '';
      v.stdout.on('data', (d) => (out += d));
      v.on('exit', () => resolve(out));
    }),
  )?.[1];

  // A bare Node TLS server (bench/provisioning's raw server) with the same certificates: what Node's TLS alone costs.
  const barePort = await freePort();
  writeFileSync(path.join(ctx.dataDir, 'pki', 'server.pem'), serverCert.certificatePem);
  writeFileSync(path.join(ctx.dataDir, 'pki', 'server.key'), keys.privateKeyPem);
  const bare = await ctx.start('bench/provisioning/raw.server.ts', { PKI_DIR: path.join(ctx.dataDir, 'pki'), PORT: String(barePort) }, /raw server ready/);
  const bareTls = await holdBareTls(bare.pid!, creds, ca.certificatePem, barePort);

  const ratio = round(edgefleet.kbPerConnection / baseline.kbPerConnection);
  return {
    benchmark: 'gateway-memory',
    devices: DEVICES,
    measured: { kbPerConnection: edgefleet.kbPerConnection, rssMb: edgefleet.rssMb, idleCpuPercent: edgefleet.idleCpuPercent },
    baseline: { what: `Mosquitto ${version ?? ''} holding the same idle mTLS connections, same CA and TLS settings`, value: baseline.kbPerConnection, unit: 'KB RSS per connection' },
    ratio,
    target: { ratio: 1.5, idleCpuPercent: 5 },
    met: ratio <= 1.5 && edgefleet.idleCpuPercent <= 5,
    lost: edgefleet.dropped + baseline.dropped,
    edgefleet,
    mosquitto: baseline,
    bareNodeTls: bareTls,
    note: 'The hard limit on open files here is 20,000 a process, so 50,000 connections to one broker cannot be opened on this machine.',
  };
});
