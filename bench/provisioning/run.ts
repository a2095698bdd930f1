/**
 * bench/provisioning: N simulated devices (`--devices`, default 2,000) each run the whole flow —
 * provisionDevice over GraphQL (bundle), connect with the claim, CSR, RegisterThing, reconnect
 * with the permanent certificate — 50 at a time; each phase is timed. In the same run, the raw
 * flow at the same concurrency: the same cryptography and handshakes with no EdgeFleet logic
 * (client key and a signed request, an mTLS connection over which a server verifies it and signs
 * one certificate, a second mTLS connection). Lost: devices whose flow failed.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { parseArgs } from 'node:util';
import { CertificateAuthority, generateKeyPair } from '@edgefleet/pki';
import { parseBundle } from '../../apps/edge-agent/src/bundle.reader';
import { connectDevice } from '../../apps/edge-agent/src/device.connection';
import { provisionWithBundle } from '../../apps/edge-agent/src/provisioner';
import { bench, cpuMeter, freePort, percentile, round, sleep } from '../support';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '2000' } }, strict: false });
const DEVICES = Number(values.devices);
const CONCURRENCY = 50;
const KEY = `efk_${randomBytes(32).toString('base64url')}`;
const RUN = randomBytes(3).toString('hex');

/** Runs `one(i)` for i in 0..count-1, `CONCURRENCY` at a time; returns the per-item latencies and the failures. */
async function pool(count: number, one: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await one(i).then(
          () => latencies.push(performance.now() - t0),
          (err) => (failures++, process.stderr.write(`${err}\n`)),
        );
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { latencies, failures, perSecond: round(latencies.length / ((performance.now() - started) / 1000), 1) };
}

/** The raw flow against bench/provisioning/raw.server.ts: what provisioning costs with no EdgeFleet logic. */
async function rawFlow(port: number, pki: { ca: string; claim: { cert: string; key: string } }) {
  const exchange = (line: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca: pki.ca, cert: pki.claim.cert, key: pki.claim.key, servername: 'localhost' }, () => socket.write(`${line}\n`));
      let answer = '';
      socket.on('data', (d) => (answer += d));
      socket.on('end', () => resolve(answer.trim()));
      socket.on('error', reject);
    });
  return pool(DEVICES, async () => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = keys.publicKey.export({ format: 'der', type: 'spki' });
    const answer = await exchange(`${spki.toString('base64')} ${sign('sha256', spki, keys.privateKey).toString('base64')}`);
    if (answer.length < 60) throw new Error(`raw flow refused: ${answer}`);
    if ((await exchange('hello')) !== 'ok') throw new Error('raw flow: second connection failed');
  });
}

bench('provisioning', async (ctx) => {
  const env = {
    EDGEFLEET_DEFAULT_ORGANIZATION: `bench-provisioning-${RUN}`,
    EDGEFLEET_BOOTSTRAP_API_KEY: KEY,
    QUOTA_DEVICES: String(DEVICES + 10),
    RATE_LIMIT_REQUESTS_PER_SECOND: '1000000',
    RATE_LIMIT_MUTATIONS_PER_SECOND: '1000000',
  };
  const gateway = await ctx.start('apps/gateway/src/main.ts', env, /gateway listening/);
  const api = await ctx.start('apps/api/src/main.ts', env, /listening/);
  const apiUrl = `http://127.0.0.1:${ctx.env.API_PORT}/graphql`;

  const phases = { bundle: [] as number[], claimFlow: [] as number[], reconnect: [] as number[] };
  const activity = async () =>
    (await ctx.db.query(`SELECT xact_commit + xact_rollback AS transactions, tup_inserted AS inserted, tup_updated AS updated, tup_fetched AS fetched FROM pg_stat_database WHERE datname = current_database()`)).rows[0] as Record<string, string>;
  const before = await activity();
  const cpu = cpuMeter({ api, gateway });
  const edgefleet = await pool(DEVICES, async (i) => {
    const t0 = performance.now();
    const res = await fetch(apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ query: 'mutation($n: String!) { provisionDevice(input: {name: $n}) { certificates } }', variables: { n: `bench-${RUN}-${i}` } }),
    });
    const body = (await res.json()) as { data?: { provisionDevice: { certificates: string } }; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    phases.bundle.push(performance.now() - t0);
    const t1 = performance.now();
    const identity = await provisionWithBundle(parseBundle(Buffer.from(body.data.provisionDevice.certificates, 'base64')));
    phases.claimFlow.push(performance.now() - t1);
    const t2 = performance.now();
    const client = connectDevice(identity);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    phases.reconnect.push(performance.now() - t2);
    await client.endAsync(true);
  });
  const cpuPercentOfOneCore = cpu.stop();
  await sleep(1500); // Postgres publishes its counters about every second
  const after = await activity();
  const databasePerDevice = Object.fromEntries(Object.keys(after).map((k) => [k, round((Number(after[k]) - Number(before[k])) / DEVICES, 1)]));
  const { rows } = await ctx.db.query(`SELECT count(*)::int AS n FROM "Device" WHERE name LIKE $1 AND "provisioningStatus" = 'SUCCEEDED'`, [`bench-${RUN}-%`]);

  // The raw flow, same machine, same concurrency, its server in its own process as the gateway is.
  const ca = await CertificateAuthority.loadOrCreate(`${ctx.dataDir}/pki`);
  const [server, claim] = await Promise.all([generateKeyPair(), generateKeyPair()]);
  const serverCert = await ca.issue({ commonName: 'localhost', publicKey: server.publicKey, validForMs: 86_400_000, usage: 'server', subjectAltNames: ['localhost', '127.0.0.1'] });
  const claimCert = await ca.issue({ commonName: 'raw-claim', publicKey: claim.publicKey, validForMs: 86_400_000, usage: 'client' });
  writeFileSync(`${ctx.dataDir}/pki/server.key`, server.privateKeyPem);
  writeFileSync(`${ctx.dataDir}/pki/server.pem`, serverCert.certificatePem);
  const rawPort = await freePort();
  const rawServer = await ctx.start('bench/provisioning/raw.server.ts', { PKI_DIR: `${ctx.dataDir}/pki`, PORT: String(rawPort) }, /raw server ready/);
  const rawCpu = cpuMeter({ rawServer });
  const raw = await rawFlow(rawPort, { ca: ca.certificatePem, claim: { cert: claimCert.certificatePem, key: claim.privateKeyPem } });

  const ratio = round(edgefleet.perSecond / raw.perSecond);
  const mean = (v: number[]) => Math.round(v.reduce((a, b) => a + b, 0) / Math.max(1, v.length));
  return {
    benchmark: 'provisioning',
    devices: DEVICES,
    measured: { devicesPerSecond: edgefleet.perSecond, p50Ms: Math.round(percentile(edgefleet.latencies, 50)), p99Ms: Math.round(percentile(edgefleet.latencies, 99)) },
    baseline: { what: 'raw flow: client key + signed request, mTLS connection with one verify and one certificate signature, second mTLS connection; no EdgeFleet logic', value: raw.perSecond, unit: 'devices/s' },
    ratio,
    target: { ratio: 0.5 },
    met: ratio >= 0.5,
    lost: edgefleet.failures + (DEVICES - edgefleet.failures - rows[0].n),
    concurrency: CONCURRENCY,
    phaseMeanMs: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, mean(v)])),
    cpuPercentOfOneCore,
    databasePerDevice,
    raw: { cpuPercentOfOneCore: rawCpu.stop(), p50Ms: Math.round(percentile(raw.latencies, 50)), p99Ms: Math.round(percentile(raw.latencies, 99)), failures: raw.failures },
  };
});
