/**
 * bench/containers: the container runtime on this machine's Docker Engine, end to end. A code
 * asset of about 100 MB (an exported root file system: busybox and 100 MB that does not compress)
 * is registered and deployed to a real edge agent (`--runtime container`); measured: seconds from
 * createApplicationInstance to the node RUNNING (download, SHA-256 checks, import, start, the
 * reports through the shadow), against the raw `docker import` + `docker run` of the same asset on
 * the same engine, in the same run (ratio raw ÷ EdgeFleet, target ≥ 0.8); a second deployment of
 * the same asset (no import: the image is reused); and the agent's RSS and CPU while it supervises
 * `--devices` instances (default 10; target ≤ 80 MB and ≤ 1 % of a core idle). Not part of npm test.
 */
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bench, cpuSeconds, round, rssMb, sleep } from '../support';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '10' } }, strict: false });
const INSTANCES = Math.min(10, Number(values.devices));
const ASSET_MB = 100;
const docker = new Docker();
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** An exported root file system of about `mb` MB: busybox, a script, and random bytes. */
function asset(dir: string, mb: number): string {
  const root = path.join(dir, 'rootfs');
  for (const d of ['bin', 'panorama', 'tmp', 'data']) mkdirSync(path.join(root, d), { recursive: true });
  cpSync('/bin/busybox', path.join(root, 'bin', 'busybox'));
  for (const tool of ['sh', 'sleep', 'echo']) execFileSync('ln', ['-sf', 'busybox', path.join(root, 'bin', tool)]);
  writeFileSync(path.join(root, 'panorama', 'app.sh'), '#!/bin/sh\necho started\nwhile true; do sleep 60; done\n', { mode: 0o755 });
  writeFileSync(path.join(root, 'data', 'weights.bin'), randomBytes(mb * 1024 * 1024));
  const file = path.join(dir, 'asset.tar.gz');
  execFileSync('tar', ['-czf', file, '-C', root, '.']);
  return file;
}

bench('containers', async (ctx) => {
  execFileSync('docker', ['version'], { stdio: 'ignore' });
  const key = `efk_${randomBytes(24).toString('base64url')}`;
  await ctx.start('apps/gateway/src/main.ts', {}, /gateway listening/);
  await ctx.start('apps/worker/src/main.ts', {}, /worker running/);
  await ctx.start('apps/api/src/main.ts', { EDGEFLEET_BOOTSTRAP_API_KEY: key, RATE_LIMIT_REQUESTS_PER_SECOND: '100000', RATE_LIMIT_MUTATIONS_PER_SECOND: '100000' }, /listening/);
  const api = `http://127.0.0.1:${ctx.env.API_PORT}`;
  const q = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${api}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors[0].message);
    return body.data;
  };
  const upload = async (packageId: string, file: Buffer) => {
    const r = (await q('mutation($p: String!, $s: String!, $n: Float!) { createPackageAssetUploadUrl(packageId: $p, sha256: $s, sizeBytes: $n) { url alreadyUploaded } }', { p: packageId, s: sha256(file), n: file.length })).createPackageAssetUploadUrl;
    if (!r.alreadyUploaded) await fetch(r.url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: file });
  };

  // The asset, registered as a package version.
  const file = asset(ctx.dataDir, ASSET_MB);
  const bytes = readFileSync(file);
  const descriptor = Buffer.from(JSON.stringify({ runtimeDescriptor: { envelopeVersion: '2021-01-01', entry: { path: '/bin/sh', name: '/panorama/app.sh' } } }));
  const manifest = Buffer.from(
    JSON.stringify({ nodePackage: { envelopeVersion: '2021-01-01', name: 'bench_app', version: '1.0', assets: [{ name: 'code', implementations: [{ type: 'container', assetUri: `${sha256(bytes)}.tar.gz`, descriptorUri: `${sha256(descriptor)}.json` }] }], interfaces: [{ name: 'code_interface', category: 'business_logic', asset: 'code' }] } }),
  );
  const packageId = (await q('mutation { createPackage(name: "bench_app") { packageId } }')).createPackage.packageId;
  for (const f of [bytes, descriptor, manifest]) await upload(packageId, f);
  await q('mutation($p: String!, $v: String!) { registerPackageVersion(input: {packageId: $p, packageVersion: "1.0", patchVersion: $v, markLatest: true}) { status } }', { p: packageId, v: sha256(manifest) });
  const account = (await q('{ whoami { accountId } }')).whoami.accountId;
  const graph = JSON.stringify({ nodeGraph: { envelopeVersion: '2021-01-01', packages: [{ name: `${account}::bench_app`, version: '1.0' }], nodes: [{ name: 'code_node', interface: `${account}::bench_app.code_interface` }], edges: [] } });

  // A real agent with the container runtime.
  const { deviceId, certificates } = (await q('mutation { provisionDevice(input: {name: "bench-cam"}) { deviceId certificates } }')).provisionDevice;
  const agentDir = path.join(ctx.dataDir, 'agent');
  mkdirSync(agentDir, { recursive: true });
  writeFileSync(path.join(agentDir, 'bundle.zip'), Buffer.from(certificates, 'base64'));
  writeFileSync(path.join(agentDir, 'agent.json'), JSON.stringify({ dataDir: agentDir, bundle: path.join(agentDir, 'bundle.zip'), runtime: 'container', containerNetwork: 'none', keepImages: 0 }));
  const agent = await ctx.start('apps/edge-agent/src/main.ts', { EDGE_AGENT_CONFIG: path.join(agentDir, 'agent.json'), LOG_LEVEL: 'info' }, /"msg":"connected"/);
  ctx.defer(async () => {
    for (const c of await docker.listContainers({ all: true, filters: { label: ['com.edgefleet.managed=true'] } })) await docker.getContainer(c.Id).remove({ force: true });
    for (const i of await docker.listImages({ filters: { reference: ['edgefleet/asset', 'edgefleet-bench/raw'] } })) await docker.getImage(i.Id).remove({ force: true }).catch(() => undefined);
  });

  const deploy = async (name: string) => {
    const started = performance.now();
    const id = (await q('mutation($input: CreateApplicationInstanceInput!) { createApplicationInstance(input: $input) { applicationInstanceId } }', { input: { name, defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: graph } } })).createApplicationInstance.applicationInstanceId;
    for (;;) {
      const d = await q('query($i: String!) { applicationInstance(applicationInstanceId: $i) { status statusDescription } applicationInstanceNodeInstances(applicationInstanceId: $i) { currentStatus } }', { i: id });
      if (d.applicationInstance.status === 'DEPLOYMENT_FAILED') throw new Error(`deployment failed: ${d.applicationInstance.statusDescription}`);
      if (d.applicationInstanceNodeInstances[0]?.currentStatus === 'RUNNING') return { id, seconds: (performance.now() - started) / 1000 };
      await sleep(50);
    }
  };

  const first = await deploy('bench-1');
  const importedAt = (await docker.listImages({ filters: { reference: ['edgefleet/asset'] } })).map((i) => i.Created);
  const second = await deploy('bench-2');
  const reused = JSON.stringify((await docker.listImages({ filters: { reference: ['edgefleet/asset'] } })).map((i) => i.Created)) === JSON.stringify(importedAt);
  for (let n = 3; n <= INSTANCES; n++) await deploy(`bench-${n}`);

  // The raw engine: the same asset imported and run, as `docker import` and `docker run` do.
  const rawStarted = performance.now();
  execFileSync('docker', ['import', file, 'edgefleet-bench/raw:latest'], { stdio: 'ignore' });
  execFileSync('docker', ['run', '-d', '--network', 'none', '--name', `edgefleet-bench-raw-${ctx.env.REDIS_PREFIX}`, '--label', 'com.edgefleet.managed=true', 'edgefleet-bench/raw:latest', '/bin/sh', '/panorama/app.sh'], { stdio: 'ignore' });
  const rawSeconds = (performance.now() - rawStarted) / 1000;

  // The agent supervising its instances, idle.
  await sleep(5000);
  const cpu0 = cpuSeconds(agent.pid!);
  const window = ctx.quick ? 15 : 60;
  await sleep(window * 1000);
  const idleCpuPercent = round(((cpuSeconds(agent.pid!) - cpu0) / window) * 100, 2);
  const agentRssMb = rssMb(agent.pid!);
  const running = (await docker.listContainers({ filters: { label: [`com.edgefleet.managed=true`] } })).length - 1;

  const ratio = round(rawSeconds / first.seconds);
  return {
    benchmark: 'containers',
    measured: { assetMb: round(bytes.length / 1024 / 1024, 1), secondsToRunning: round(first.seconds), secondDeploymentSeconds: round(second.seconds), imageReused: reused, instances: running, agentRssMb, agentIdleCpuPercent: idleCpuPercent },
    baseline: { what: 'docker import + docker run of the same asset on the same engine', value: round(rawSeconds), unit: 's' },
    ratio,
    target: { ratio: '>= 0.8', agentRssMb: '<= 80', agentIdleCpuPercent: '<= 1', imageReused: true },
    met: ratio >= 0.8 && agentRssMb <= 80 && idleCpuPercent <= 1 && reused,
    lost: INSTANCES - running,
  };
});
