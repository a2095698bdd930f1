/**
 * bench/provisioning: N simulated devices each run the whole flow — provisionDevice
 * over GraphQL (bundle), connect with the claim, CSR, RegisterThing, reconnect with
 * the permanent certificate — with C at a time. In the same run: the machine's raw
 * P-256 signing rate. Prints JSON. Not part of `npm test`.
 */
import { webcrypto } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { parseBundle } from '../../apps/edge-agent/src/bundle.reader';
import { connectDevice } from '../../apps/edge-agent/src/device.connection';
import { provisionWithBundle } from '../../apps/edge-agent/src/provisioner';
import { migrate, startProcess, stopProcess } from '../support';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/edgefleet_bench';
const KEY = `efk_${randomBytes(32).toString('base64url')}`;
const RUN = randomBytes(3).toString('hex');

async function rawSignRate(ms = 2000): Promise<number> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, false, ['sign'])) as webcrypto.CryptoKeyPair;
  const data = randomBytes(256);
  let n = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await Promise.all(Array.from({ length: 32 }, () => webcrypto.subtle.sign(alg, keys.privateKey, data)));
    n += 32;
  }
  return Math.round(n / (ms / 1000));
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  migrate(DATABASE_URL);
  const apiPort = 3992;
  const gatewayPort = 8993;
  const env = {
    DATABASE_URL,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    DATA_DIR: '.data/bench',
    API_PORT: String(apiPort),
    GATEWAY_PORT: String(gatewayPort),
    GRAPHIQL: 'false',
    EDGEFLEET_DEFAULT_ORGANIZATION: `bench-provisioning-${RUN}`,
    EDGEFLEET_BOOTSTRAP_API_KEY: KEY,
    QUOTA_DEVICES: String(DEVICES + 10),
    RATE_LIMIT_REQUESTS_PER_SECOND: '1000000',
    RATE_LIMIT_MUTATIONS_PER_SECOND: '1000000',
  };
  const gateway = await startProcess('apps/gateway/src/main.ts', env, /gateway listening/);
  const api = await startProcess('apps/api/src/main.ts', env, /listening/);

  const signPerSecond = await rawSignRate();
  const latencies: number[] = [];
  const phases = { bundle: [] as number[], claimFlow: [] as number[], reconnect: [] as number[] };
  let failures = 0;
  let next = 0;
  const oneDevice = async (i: number) => {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${apiPort}/graphql`, {
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
    latencies.push(performance.now() - t0);
    await client.endAsync(true);
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < DEVICES) {
        const i = next++;
        await oneDevice(i).catch(() => failures++);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await stopProcess(api);
  await stopProcess(gateway);

  latencies.sort((a, b) => a - b);
  const devicesPerSecond = Math.round((latencies.length / seconds) * 10) / 10;
  process.stdout.write(
    JSON.stringify(
      {
        benchmark: 'provisioning',
        devices: DEVICES,
        concurrency: CONCURRENCY,
        provisioned: latencies.length,
        failures,
        seconds: Math.round(seconds * 10) / 10,
        devicesPerSecond,
        perDeviceMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)) },
        phaseMeanMs: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v.reduce((a, b) => a + b, 0) / Math.max(1, v.length))])),
        rawP256SignsPerSecond: signPerSecond,
        signaturesPerDevice: 'about 6 (claim cert, CSR, device cert, TLS handshakes ×2 on each side)',
        target: { devicesPerSecond: 500 },
        met: devicesPerSecond >= 500,
      },
      null,
      2,
    ) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
