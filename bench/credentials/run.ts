/**
 * bench/credentials: AWS IoT's credentials provider on a gateway, and clip uploads with the
 * credentials it issues, on this machine.
 *
 * 1. Credentials requests per second over fresh mutual-TLS connections (a full handshake each:
 *    no keep-alive, no session resumption; 16 at once, round-robin over 100 devices' certificates,
 *    10 s after 2 s of warm-up; 4 s with `--quick`), against a bare Node mTLS server in a process
 *    of its own doing the same crypto (the handshake with the same CA and key type, the
 *    certificate's SHA-256, the same HMACs for the token and secret, a JSON answer of the same
 *    shape), measured in the same run. Target: ratio ≥ 0.5.
 * 2. Clip upload throughput: the same clips (8 MB of random bytes each, 24 of them; 8 with
 *    `--quick`) put one after the other into the clips bucket through the api's S3-compatible
 *    endpoint with the temporary credentials (SigV4 with the session token and the payload's
 *    SHA-256, as the clip recorder signs), against `aws s3 cp --recursive` of the same files with the same credentials
 *    to the same endpoint, and against the raw write speed of the artifact store underneath (the
 *    same files streamed into ArtifactStore, SHA-256 and all, in this process). Target: ratio to
 *    the artifact store ≥ 0.7. Every upload is checked (200, and the clips listed afterwards).
 *
 * Not part of npm test: `npm run bench:credentials` (or `npm run bench -- --only credentials`).
 */
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, request } from 'node:https';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { ArtifactStore } from '@edgefleet/artifacts';
import { CertificateAuthority, generateKeyPair } from '@edgefleet/pki';
import { bench, type Creds, cpuMeter, freePort, makeDevices, newOrganization, percentile, round } from '../support';

const CONCURRENCY = 16;
const DEVICES = 100;
const CLIP_MB = 8;
const MB = 1024 * 1024;
const TARGET = { credentials: 0.5, upload: 0.7 };
const ROLE_ALIAS = 'bench-clips';
const POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::edgefleet-clips/clips/${credentials-iot:ThingName}/*'] }] };

interface Tls {
  key: string;
  cert: string;
  ca: string;
}

/** The baseline server: the handshake and the same crypto as the provider, nothing else. */
async function baselineServer(tls: Tls): Promise<void> {
  const key = randomBytes(32);
  const mac = (purpose: string, data: string) => createHmac('sha256', key).update(`${purpose}\n${data}`).digest('base64url');
  const server = createServer({ key: tls.key, cert: tls.cert, ca: [tls.ca], requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, (req: IncomingMessage, res: ServerResponse) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const certificateId = createHash('sha256').update(peer.raw).digest('hex');
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const body = Buffer.from(JSON.stringify({ o: certificateId, t: req.headers['x-amzn-iot-thingname'], a: ROLE_ALIAS, e: Date.now() + 3_600_000, k: accessKeyId })).toString('base64url');
    const json = JSON.stringify({ credentials: { accessKeyId, secretAccessKey: mac('secret', accessKeyId).slice(0, 40), sessionToken: `${body}.${mac('token', body)}`, expiration: new Date(Date.now() + 3_600_000).toISOString() } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
  });
  await new Promise<void>((resolve) => server.listen(Number(process.env.BENCH_BASELINE_PORT), '127.0.0.1', resolve));
  console.log('baseline ready');
}

/** One credentials request on a fresh connection (no agent: a full handshake). */
function ask(port: number, device: Creds, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', servername: 'localhost', port, path: `/role-aliases/${ROLE_ALIAS}/credentials`, method: 'GET', agent: false, cert: device.cert, key: device.key, ca, headers: { 'x-amzn-iot-thingname': device.id } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Requests per second for `seconds` (after `warmUp` s), `CONCURRENCY` at once over the devices in turn; latencies sorted. */
async function hammer(port: number, devices: Creds[], ca: string, seconds: number, warmUp: number): Promise<{ perSecond: number; ms: number[]; failed: number }> {
  let next = 0;
  const run = async (until: number, ms: number[] | undefined, failures: { n: number }) => {
    while (Date.now() < until) {
      const device = devices[next++ % devices.length];
      const started = performance.now();
      const r = await ask(port, device, ca).catch(() => ({ status: 0, body: '' }));
      if (r.status !== 200 || !r.body.includes('sessionToken')) failures.n++;
      ms?.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, () => run(Date.now() + warmUp * 1000, undefined, { n: 0 })));
  const ms: number[] = [];
  const failures = { n: 0 };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, () => run(started + seconds * 1000, ms, failures)));
  return { perSecond: ms.length / ((Date.now() - started) / 1000), ms: ms.sort((a, b) => a - b), failed: failures.n };
}

if (process.env.BENCH_BASELINE_PORT) {
  void baselineServer(JSON.parse(process.env.BENCH_BASELINE_TLS!) as Tls);
} else {
  bench('credentials', async (ctx) => {
    const seconds = ctx.quick ? 4 : 10;
    const clipCount = ctx.quick ? 8 : 24;
    const gateway = await ctx.start('apps/gateway/src/main.ts', {}, /gateway listening/);
    const providerPort = Number(ctx.env.CREDENTIALS_PROVIDER_PORT);
    const ca = await CertificateAuthority.loadOrCreate(`${ctx.dataDir}/pki`);
    const organizationId = await newOrganization(ctx.db, 'credentials');
    const devices = await makeDevices(ctx.db, ca, organizationId, DEVICES, 'creds');
    await ctx.db.query(`INSERT INTO "RoleAlias" (id, "organizationId", "roleAlias", "policyDocument", "credentialDurationSeconds", "updatedAt") VALUES ($1, $2, $3, $4, 3600, now())`, [randomUUID(), organizationId, ROLE_ALIAS, POLICY]);

    // The baseline's server certificate: the same CA and key type as the gateway's.
    const keys = await generateKeyPair();
    const server = await ca.issue({ commonName: 'localhost', publicKey: keys.publicKey, validForMs: 86_400_000, usage: 'server', subjectAltNames: ['localhost', '127.0.0.1'] });
    const baselinePort = await freePort();
    const baseline = await ctx.start(__filename, { BENCH_BASELINE_PORT: String(baselinePort), BENCH_BASELINE_TLS: JSON.stringify({ key: keys.privateKeyPem, cert: server.certificatePem, ca: ca.certificatePem }) }, /baseline ready/);

    // 1. Credentials over fresh mTLS connections, EdgeFleet then the baseline.
    const cpuEdge = cpuMeter({ gateway });
    const edge = await hammer(providerPort, devices, ca.certificatePem, seconds, 2);
    const edgeCpu = cpuEdge.stop();
    const cpuBase = cpuMeter({ baseline });
    const bare = await hammer(baselinePort, devices, ca.certificatePem, seconds, 2);
    const bareCpu = cpuBase.stop();
    await ctx.stop(baseline);

    // 2. Clip uploads with the credentials: the api's S3-compatible endpoint, the aws CLI, the artifact store.
    const api = await ctx.start('apps/api/src/main.ts', { EDGEFLEET_DEFAULT_ORGANIZATION: 'bench' }, /listening/);
    const device = devices[0];
    const got = await ask(providerPort, device, ca.certificatePem);
    const credentials = JSON.parse(got.body).credentials as { accessKeyId: string; secretAccessKey: string; sessionToken: string };
    const dir = path.join(ctx.dataDir, 'clips', device.id, 'bench');
    mkdirSync(dir, { recursive: true });
    const files = Array.from({ length: clipCount }, (_, i) => {
      const file = path.join(dir, `${1_700_000_000_000 + i}.mp4`);
      writeFileSync(file, randomBytes(CLIP_MB * MB));
      return file;
    });
    const totalMb = clipCount * CLIP_MB;
    const endpoint = `http://127.0.0.1:${ctx.env.API_PORT}/s3`;
    const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
    const putAll = async (prefix: string) => {
      const started = performance.now();
      for (const file of files) {
        const body = readFileSync(file);
        const key = `clips/${device.id}/${prefix}/${path.basename(file)}`;
        const url = new URL(`${endpoint}/edgefleet-clips/${key}`);
        const signed = await signer.sign({
          method: 'PUT',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          headers: { host: url.host, 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'), 'content-length': String(body.length) },
          body,
        });
        const res = await fetch(url, { method: 'PUT', headers: signed.headers as Record<string, string>, body });
        if (res.status !== 200) throw new Error(`PUT ${key}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
      }
      return totalMb / ((performance.now() - started) / 1000);
    };
    const cpuPut = cpuMeter({ api });
    const putMBps = await putAll('sigv4');
    const putCpu = cpuPut.stop();
    // One request a clip, as the clip recorder puts them (not the CLI's parts above 8 MB).
    const awsConfig = path.join(ctx.dataDir, 'aws-config');
    writeFileSync(awsConfig, `[default]\ns3 =\n  multipart_threshold = ${4 * CLIP_MB}MB\n`);
    const cliStarted = performance.now();
    execFileSync('aws', ['s3', 'cp', '--recursive', '--only-show-errors', dir, `s3://edgefleet-clips/clips/${device.id}/cli`], {
      env: {
        PATH: process.env.PATH,
        HOME: ctx.dataDir,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: credentials.sessionToken,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: awsConfig,
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_ENDPOINT_URL_S3: endpoint,
      },
    });
    const cliMBps = totalMb / ((performance.now() - cliStarted) / 1000);
    const store = new ArtifactStore(path.join(ctx.dataDir, 'raw-store'));
    const storeStarted = performance.now();
    for (const file of files) await store.put('clips', Readable.from(readFileSync(file)), { maxBytes: 64 * MB });
    const storeMBps = totalMb / ((performance.now() - storeStarted) / 1000);
    const { rows } = await ctx.db.query(`SELECT count(*)::int AS n FROM "Clip" WHERE "organizationId" = $1`, [organizationId]);
    const lost = clipCount * 2 - rows[0].n + edge.failed + bare.failed;

    const credentialsRatio = round(edge.perSecond / bare.perSecond);
    const uploadRatio = round(putMBps / storeMBps);
    return {
      benchmark: 'credentials',
      measured: {
        credentialsPerSecond: round(edge.perSecond, 1),
        p50ms: round(percentile(edge.ms, 50)),
        p99ms: round(percentile(edge.ms, 99)),
        uploadMBps: round(putMBps, 1),
      },
      baseline: { what: 'a bare Node mTLS server doing the same crypto (same CA, key type, HMACs)', value: round(bare.perSecond, 1), unit: 'requests/s' },
      ratio: credentialsRatio,
      uploads: {
        clips: clipCount,
        clipMb: CLIP_MB,
        sigv4MBps: round(putMBps, 1),
        awsCliMBps: round(cliMBps, 1),
        artifactStoreMBps: round(storeMBps, 1),
        ratioToArtifactStore: uploadRatio,
        ratioToAwsCli: round(putMBps / cliMBps),
      },
      baselineLatency: { p50ms: round(percentile(bare.ms, 50)), p99ms: round(percentile(bare.ms, 99)) },
      cpuPercentOfOneCore: { credentials: edgeCpu, baseline: bareCpu, upload: putCpu },
      failed: { edgefleet: edge.failed, baseline: bare.failed },
      target: { credentialsRatio: TARGET.credentials, uploadRatioToArtifactStore: TARGET.upload },
      met: credentialsRatio >= TARGET.credentials && uploadRatio >= TARGET.upload,
      lost,
      concurrency: CONCURRENCY,
      seconds,
    };
  });
}
