import Docker from 'dockerode';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type AppProcess, ROOT, type Stack, dataOf, gql, startApp, startStack, until } from './support';

jest.setTimeout(900_000);

const docker = new Docker();
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const sha256File = (file: string) => sha256(readFileSync(file));

/** A command as panorama-cli runs one (subprocess.run(cmd, shell=True), stderr into stdout): its output, or it throws with it. */
function sh(cmd: string, cwd: string, env: NodeJS.ProcessEnv): { status: number; out: string } {
  const r = spawnSync('sh', ['-c', `${cmd} 2>&1`], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, out: r.stdout };
}
function ok(cmd: string, cwd: string, env: NodeJS.ProcessEnv): string {
  const r = sh(cmd, cwd, env);
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.out}`);
  return r.out;
}

const APPLICATION = `import json, os, sys, time
import numpy  # not on the host: only in the image

config = json.load(open(os.environ["EDGEFLEET_NODE_CONFIG"]))
counter = "/opt/aws/panorama/storage/runs"
runs = int(open(counter).read()) + 1 if os.path.exists(counter) else 1
open(counter, "w").write(str(runs))
print(f"numpy {numpy.__version__} in {config['node']}, run {runs}", flush=True)
frame = 0
while True:
    frame += 1
    print(f"frame {frame} mean {numpy.arange(frame).mean()}", flush=True)
    time.sleep(0.5)
`;
const BROKEN = `print("this version is broken", flush=True)
raise SystemExit(3)
`;

/**
 * A project as panorama-cli 1.1.6 lays it out (init-project, then create-package --name code_pkg):
 * its package.json, descriptor.json, Dockerfile FROM the Panorama base image, src/, and graph.json.
 */
function panoramaProject(dir: string, account: string, application: string): string {
  const pkg = path.join(dir, 'packages', `${account}-code_pkg-1.0`);
  mkdirSync(path.join(pkg, 'src'), { recursive: true });
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  mkdirSync(path.join(dir, 'graphs', 'app'), { recursive: true });
  writeFileSync(path.join(pkg, 'descriptor.json'), JSON.stringify({ runtimeDescriptor: { envelopeVersion: '2021-01-01', entry: { path: 'python3', name: '/panorama/application.py' } } }, null, 4));
  writeFileSync(path.join(pkg, 'Dockerfile'), 'FROM public.ecr.aws/panorama/panorama-application\nCOPY src /panorama\n');
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ nodePackage: { envelopeVersion: '2021-01-01', name: 'code_pkg', version: '1.0', description: 'Default description for package code_pkg', assets: [], interfaces: [] } }, null, 4));
  writeFileSync(path.join(pkg, 'src', 'application.py'), application);
  writeFileSync(path.join(dir, 'graphs', 'app', 'graph.json'), JSON.stringify({ nodeGraph: { envelopeVersion: '2021-01-01', packages: [{ name: `${account}::code_pkg`, version: '1.0' }], nodes: [], edges: [] } }, null, 4));
  return pkg;
}

/** panorama-cli build-container --container-asset-name code --package-path packages/<account>-code_pkg-1.0 --local-image: its commands, and what it writes. */
function buildContainer(dir: string, pkg: string, account: string, env: NodeJS.ProcessEnv): void {
  const rel = path.relative(dir, pkg);
  ok(`TMPDIR=$(pwd) docker build -t code ${rel}`, dir, env);
  ok('docker export --output=code.tar $(docker create code:latest)', dir, env);
  const descriptorUri = `${sha256File(path.join(pkg, 'descriptor.json'))}.json`;
  cpSync(path.join(pkg, 'descriptor.json'), path.join(dir, 'assets', descriptorUri));
  ok('gzip -1 code.tar', dir, env);
  const assetUri = `${sha256File(path.join(dir, 'code.tar.gz'))}.tar.gz`;
  renameSync(path.join(dir, 'code.tar.gz'), path.join(dir, 'assets', assetUri));
  const manifest = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8'));
  manifest.nodePackage.assets = [{ name: 'code', implementations: [{ type: 'container', assetUri, descriptorUri }] }];
  if (!manifest.nodePackage.interfaces.length) {
    manifest.nodePackage.interfaces = [{ name: 'code_interface', category: 'business_logic', asset: 'code', inputs: [{ name: 'video_in', type: 'media' }], outputs: [{ name: 'video_out', type: 'media' }] }];
    ok('aws sts get-caller-identity --query Account --output text', dir, env);
    const graphFile = path.join(dir, 'graphs', 'app', 'graph.json');
    const graph = JSON.parse(readFileSync(graphFile, 'utf8'));
    graph.nodeGraph.nodes.push({ name: 'code_node', interface: `${account}::code_pkg.code_interface`, overridable: false, launch: 'onAppStart' });
    writeFileSync(graphFile, JSON.stringify(graph, null, 4));
  }
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify(manifest, null, 4));
}

/** panorama-cli package-application: its exact aws CLI sequence for one package, as it runs it. */
function packageApplication(dir: string, pkg: string, env: NodeJS.ProcessEnv): string {
  const json = (cmd: string) => JSON.parse(ok(cmd, dir, env));
  const described = sh('aws panorama describe-package --output json --package-id packageName/code_pkg', dir, env);
  const p = described.status === 0 ? JSON.parse(described.out) : json('aws panorama create-package --output json --package-name code_pkg');
  const { Bucket, BinaryPrefixLocation, ManifestPrefixLocation } = p.StorageLocation;
  const patch = sha256File(path.join(pkg, 'package.json'));
  const latest = sh(`aws panorama describe-package-version --output json --package-id ${p.PackageId} --package-version 1.0`, dir, env);
  const previous = latest.status === 0 && JSON.parse(latest.out).Status === 'REGISTER_COMPLETED' ? JSON.parse(latest.out).PatchVersion : undefined;
  const manifest = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8'));
  for (const impl of manifest.nodePackage.assets.flatMap((a: any) => a.implementations)) {
    for (const file of [impl.assetUri, impl.descriptorUri]) {
      if (sh(`aws s3api head-object --bucket ${Bucket} --key ${BinaryPrefixLocation}/${file}`, dir, env).status !== 0) {
        ok(`aws s3 cp assets/${file} s3://${Bucket}/${BinaryPrefixLocation}/${file} --acl bucket-owner-full-control`, dir, env);
      }
    }
  }
  const manifestKey = `${ManifestPrefixLocation}/1.0/${patch}.json`;
  if (sh(`aws s3api head-object --bucket ${Bucket} --key ${manifestKey}`, dir, env).status !== 0) {
    ok(`aws s3api put-object --bucket ${Bucket} --key ${manifestKey} --body ${path.relative(dir, pkg)}/package.json --acl bucket-owner-full-control`, dir, env);
  }
  ok(`aws panorama register-package-version --output json --package-id ${p.PackageId} --package-version 1.0 --patch-version ${patch} --mark-latest`, dir, env);
  expect(json(`aws panorama describe-package-version --output json --package-id ${p.PackageId} --package-version 1.0 --patch-version ${patch}`).Status).toBe('REGISTER_COMPLETED');
  if (previous && previous !== patch) sh(`aws panorama deregister-package-version --output json --package-id ${p.PackageId} --package-version 1.0 --patch-version ${previous}`, dir, env);
  return patch;
}

const labelled = (instance: string) => docker.listContainers({ all: true, filters: { label: [`com.edgefleet.application-instance=${instance}`] } });

/**
 * A real Panorama application on a real Docker Engine: a container built by panorama-cli's own
 * commands (docker build FROM the Panorama base image, docker export, gzip) and uploaded with its
 * exact aws CLI sequence (STS, Panorama, S3 with a multipart upload), deployed with the guide's
 * create-application-instance, run by an agent with the container runtime.
 */
describe('container applications, built and uploaded by panorama-cli', () => {
  let stack: Stack;
  let env: NodeJS.ProcessEnv;
  const q = async (query: string, variables: Record<string, unknown> = {}) => dataOf(await gql(stack.url, stack.key, query, variables));
  const instance = (i: string) =>
    q('query($i: String!) { applicationInstance(applicationInstanceId: $i) { status healthStatus statusDescription } applicationInstanceNodeInstances(applicationInstanceId: $i) { nodeInstanceId currentStatus statusReason } }', { i });
  const node = (d: any) => d.applicationInstanceNodeInstances.find((n: any) => n.nodeInstanceId === 'code_node');

  beforeAll(async () => {
    execFileSync('sh', [path.join(ROOT, 'infra/scripts/panorama-base-image.sh')], { stdio: 'inherit' });
    stack = await startStack('containers', { JOB_SWEEP_MS: '500' });
    const key = (await q('mutation { createAccessKey(input: {name: "panorama-cli", role: ADMIN}) { accessKeyId secretAccessKey } }')).createAccessKey;
    env = {
      PATH: process.env.PATH,
      HOME: stack.dir,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_PANORAMA: `${stack.url}/panorama`,
      AWS_ENDPOINT_URL_S3: `${stack.url}/s3`,
      AWS_ENDPOINT_URL_STS: `${stack.url}/sts`,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: `${stack.url}/logs`,
    };
  });
  afterAll(async () => {
    await stack.stop();
    // What panorama-cli's build-container leaves behind (docker create, the tag `code`).
    for (const c of await docker.listContainers({ all: true, filters: { ancestor: ['code'] } })) await docker.getContainer(c.Id).remove({ force: true });
    await docker.getImage('code').remove({ force: true }).catch(() => undefined);
  });

  async function provisionAgent(name: string, args: string[]): Promise<{ deviceId: string; agentDir: string; agent: AppProcess; zip: string }> {
    const { deviceId, certificates } = (await q('mutation($n: String!) { provisionDevice(input: {name: $n}) { deviceId certificates } }', { n: name })).provisionDevice;
    const zip = path.join(stack.dir, `${name}.zip`);
    writeFileSync(zip, Buffer.from(certificates, 'base64'));
    const agentDir = path.join(stack.dir, name);
    const agent = startApp('edge-agent', { LOG_LEVEL: 'info' }, ['--bundle', zip, '--data-dir', agentDir, '--runtime', 'container', ...args]);
    stack.running.push(agent);
    await until(() => q('query($id: ID!) { device(deviceId: $id) { deviceConnectionStatus } }', { id: deviceId }), (d) => d.device.deviceConnectionStatus === 'ONLINE');
    return { deviceId, agentDir, agent, zip };
  }

  it('runs, pauses, resumes, survives an agent restart and a broken replacement, and is removed with its image and storage', async () => {
    const dir = path.join(stack.dir, 'project');
    const account = ok('aws sts get-caller-identity --query Account --output text', stack.dir, env).replace(/[^A-Za-z0-9]+/g, '');
    expect(account).toMatch(/^\d{12}$/);
    const pkg = panoramaProject(dir, account, APPLICATION);
    buildContainer(dir, pkg, account, env);
    const patch = packageApplication(dir, pkg, env);
    // The container asset went up in parts (the CLI's multipart threshold is 8 MB), and reads back whole.
    const assetUri = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')).nodePackage.assets[0].implementations[0].assetUri;
    const head = JSON.parse(ok(`aws s3api head-object --bucket edgefleet-packages --key ${JSON.parse(ok('aws panorama describe-package --output json --package-id packageName/code_pkg', dir, env)).StorageLocation.BinaryPrefixLocation}/${assetUri} --output json`, dir, env));
    expect(head.ContentLength).toBeGreaterThan(8 * 1024 * 1024);

    const { deviceId, agentDir, agent } = await provisionAgent('container-cam', ['--container-network', 'none', '--keep-images', '0']);
    const shadow = () => gql(stack.url, stack.key, 'query($d: ID!) { deviceShadow(deviceId: $d, shadowName: "system") }', { d: deviceId });
    const system = (await until(shadow, (r) => !!r.data?.deviceShadow?.state?.reported?.runtime)).data!.deviceShadow.state.reported;
    expect(system).toMatchObject({ runtime: { kind: 'container', status: 0, engineVersion: expect.stringMatching(/^\d+\./) }, architecture: 'amd64' });

    // The guide's 5-deploy.sh (bash): the manifest as {"PayloadData": "<graph.json>"}.
    const bashDeploy = (replace = '') =>
      execFileSync('bash', ['-c', `MANIFEST="$(jq --arg value "$(tr -d '\\n' < graphs/app/graph.json | tr -d '[:blank:]')" '.PayloadData="\\($value)"' <<< {})" && aws panorama create-application-instance ${replace} --manifest-payload="$MANIFEST" --default-runtime-context-device=${deviceId} --name=container-app --description="command-line deploy" --output text`], { cwd: dir, env, encoding: 'utf8' }).trim();
    const id = bashDeploy();
    expect(id).toMatch(/^applicationInstance-/);
    const running = await until(() => instance(id), (d) => d.applicationInstance.status === 'DEPLOYMENT_SUCCEEDED' && node(d)?.currentStatus === 'RUNNING', 240_000);
    expect(running.applicationInstance.healthStatus).toBe('RUNNING');
    const [container] = await labelled(id);
    expect(container).toMatchObject({ Image: `edgefleet/asset:${JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')).nodePackage.assets[0].implementations[0].assetUri.split('.')[0]}`, State: 'running' });
    const inspected = await docker.getContainer(container.Id).inspect();
    expect(inspected.HostConfig).toMatchObject({ ReadonlyRootfs: true, NetworkMode: 'none', Memory: 512 * 1024 * 1024 });
    // Credentials and parameters reach the node as a read-only file, never in its environment or labels.
    expect(inspected.Mounts).toEqual(expect.arrayContaining([expect.objectContaining({ Destination: '/edgefleet/node.json', RW: false }), expect.objectContaining({ Destination: '/opt/aws/panorama/storage', RW: true })]));

    // Its output, read as the guide reads it.
    const events = async (): Promise<string[]> => JSON.parse(ok(`aws logs get-log-events --log-group-name /aws/panorama/devices/${deviceId}/applications/${id} --log-stream-name code_node --output json`, dir, env)).events.map((e: any) => e.message as string);
    const lines = await until(events, (l: string[]) => l.some((m) => m.startsWith('frame')), 60_000);
    expect(lines[0]).toMatch(/^numpy \d+\.\d+\.\d+ in code_node, run 1$/);

    // PAUSE freezes the container, RESUME thaws it.
    const signal = (s: string) => ok(`aws panorama signal-application-instance-node-instances --application-instance-id ${id} --node-signals NodeInstanceId=code_node,Signal=${s}`, dir, env);
    signal('PAUSE');
    await until(() => instance(id), (d) => node(d).currentStatus === 'PAUSED');
    expect((await docker.getContainer(container.Id).inspect()).State.Paused).toBe(true);
    signal('RESUME');
    await until(() => instance(id), (d) => node(d).currentStatus === 'RUNNING');
    expect((await docker.getContainer(container.Id).inspect()).State).toMatchObject({ Running: true, Paused: false });

    // The agent restarts: the application keeps running, adopted as it is (same container, never restarted).
    const startedAt = (await docker.getContainer(container.Id).inspect()).State.StartedAt;
    await agent.stop();
    expect((await docker.getContainer(container.Id).inspect()).State.Running).toBe(true);
    const again = startApp('edge-agent', { LOG_LEVEL: 'info' }, ['--data-dir', agentDir, '--runtime', 'container', '--container-network', 'none', '--keep-images', '0']);
    stack.running.push(again);
    await until(() => q('query($id: ID!) { device(deviceId: $id) { deviceConnectionStatus } }', { id: deviceId }), (d) => d.device.deviceConnectionStatus === 'ONLINE');
    await until(() => instance(id), (d) => node(d).currentStatus === 'RUNNING' && d.applicationInstance.status === 'DEPLOYMENT_SUCCEEDED');
    await new Promise((r) => setTimeout(r, 3000));
    const adopted = await labelled(id);
    expect(adopted.map((c) => c.Id)).toEqual([container.Id]);
    expect((await docker.getContainer(container.Id).inspect()).State.StartedAt).toBe(startedAt);

    // Removed behind the agent's back: recreated, with the application's storage kept.
    await docker.getContainer(container.Id).remove({ force: true });
    const [recreated] = await until(() => labelled(id), (c) => c.length === 1 && c[0].Id !== container.Id && c[0].State === 'running', 60_000);
    await until(events, (l: string[]) => l.some((m) => /in code_node, run 2$/.test(m)), 60_000);
    await until(() => instance(id), (d) => node(d).currentStatus === 'RUNNING');

    // A broken version, built and uploaded the same way, replaces it: it fails, the old one keeps running.
    writeFileSync(path.join(pkg, 'src', 'application.py'), BROKEN);
    buildContainer(dir, pkg, account, env);
    const brokenPatch = packageApplication(dir, pkg, env);
    expect(brokenPatch).not.toBe(patch);
    const replacement = bashDeploy(`--application-instance-id-to-replace=${id}`);
    const failed = await until(() => instance(replacement), (d) => d.applicationInstance.status === 'DEPLOYMENT_FAILED', 240_000);
    expect(failed.applicationInstance.statusDescription).toMatch(/node code_node exited at start \(exit code 3\): this version is broken/);
    expect((await labelled(replacement)).length).toBe(0);
    await until(() => instance(id), (d) => /Still running/.test(d.applicationInstance.statusDescription));
    expect((await labelled(id)).map((c) => [c.Id, c.State])).toEqual([[recreated.Id, 'running']]);

    // Removal: the container, the image (no instance needs it) and the storage go.
    ok(`aws panorama remove-application-instance --application-instance-id ${id}`, dir, env);
    await until(() => instance(id), (d) => d.applicationInstance.status === 'REMOVAL_SUCCEEDED', 120_000);
    await until(() => labelled(id), (c) => c.length === 0, 30_000);
    await until(() => docker.listImages({ filters: { reference: ['edgefleet/asset'] } }), (i) => i.length === 0, 30_000);
    expect(existsSync(path.join(agentDir, 'storage', id))).toBe(false);
  });

  /** A code asset from busybox-static and a shell script (no image build): the exported root file system of a tiny container. */
  function busyboxAsset(name: string, script: string): string {
    const root = path.join(stack.dir, `rootfs-${name}`);
    mkdirSync(path.join(root, 'bin'), { recursive: true });
    mkdirSync(path.join(root, 'panorama'), { recursive: true });
    mkdirSync(path.join(root, 'tmp'), { recursive: true });
    cpSync('/bin/busybox', path.join(root, 'bin', 'busybox'));
    for (const tool of ['sh', 'echo', 'sleep', 'cat']) execFileSync('ln', ['-sf', 'busybox', path.join(root, 'bin', tool)]);
    writeFileSync(path.join(root, 'panorama', 'app.sh'), script, { mode: 0o755 });
    const file = path.join(stack.dir, `${name}.tar.gz`);
    execFileSync('tar', ['-czf', file, '-C', root, '.']);
    return file;
  }

  /** A package version uploaded with the aws CLI (s3 cp, put-object) and registered; the CLI's output when registration refuses it. */
  function publish(name: string, asset: string, extra: { descriptor?: object; implementation?: object } = {}): { ok: boolean; out: string } {
    const dir = path.join(stack.dir, `pkg-${name}`);
    mkdirSync(dir, { recursive: true });
    const descriptor = Buffer.from(JSON.stringify({ runtimeDescriptor: { envelopeVersion: '2021-01-01', entry: { path: '/bin/sh', name: '/panorama/app.sh' }, ...extra.descriptor } }));
    writeFileSync(path.join(dir, 'descriptor.json'), descriptor);
    const assetUri = `${sha256File(asset)}.tar.gz`;
    const descriptorUri = `${sha256(descriptor)}.json`;
    const manifest = { nodePackage: { envelopeVersion: '2021-01-01', name, version: '1.0', assets: [{ name: 'code', implementations: [{ type: 'container', assetUri, descriptorUri, ...extra.implementation }] }], interfaces: [{ name: 'code_interface', category: 'business_logic', asset: 'code' }] } };
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
    const created = JSON.parse(ok(`aws panorama create-package --output json --package-name ${name}`, dir, env));
    const { Bucket, BinaryPrefixLocation, ManifestPrefixLocation } = created.StorageLocation;
    ok(`aws s3 cp ${asset} s3://${Bucket}/${BinaryPrefixLocation}/${assetUri}`, dir, env);
    ok(`aws s3 cp descriptor.json s3://${Bucket}/${BinaryPrefixLocation}/${descriptorUri}`, dir, env);
    const patch = sha256File(path.join(dir, 'package.json'));
    ok(`aws s3api put-object --bucket ${Bucket} --key ${ManifestPrefixLocation}/1.0/${patch}.json --body package.json`, dir, env);
    const r = sh(`aws panorama register-package-version --package-id ${created.PackageId} --package-version 1.0 --patch-version ${patch} --mark-latest`, dir, env);
    return { ok: r.status === 0, out: r.out };
  }

  async function deployTo(deviceId: string, packageName: string): Promise<string> {
    const account = ok('aws sts get-caller-identity --query Account --output text', stack.dir, env).trim();
    const graph = { nodeGraph: { envelopeVersion: '2021-01-01', packages: [{ name: `${account}::${packageName}`, version: '1.0' }], nodes: [{ name: 'code_node', interface: `${account}::${packageName}.code_interface` }], edges: [] } };
    return (await q('mutation($input: CreateApplicationInstanceInput!) { createApplicationInstance(input: $input) { applicationInstanceId } }', { input: { name: packageName.replace(/_/g, '-'), defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: JSON.stringify(graph) } } }))
      .createApplicationInstance.applicationInstanceId;
  }

  it('refuses what a device cannot or may not run, each saying why', async () => {
    const asset = busyboxAsset('ticker', '#!/bin/sh\nwhile true; do echo tick; sleep 1; done\n');
    // Create options beyond environment, binds, devices and limits are refused at registration, with their JSON path.
    const privileged = publish('privileged_app', asset, { descriptor: { createOptions: { HostConfig: { Privileged: true, Binds: ['/:/host'] } } } });
    expect(privileged.ok).toBe(false);
    expect(privileged.out).toMatch(/descriptorUri→\$\.runtimeDescriptor\.createOptions\.HostConfig\.Privileged: .*unknown key "Privileged"/);
    expect(publish('arm_app', asset, { implementation: { architecture: 'arm64' } }).ok).toBe(true);
    expect(publish('etc_app', asset, { descriptor: { createOptions: { HostConfig: { Binds: ['/etc:/host-etc:ro'] } } } }).ok).toBe(true);
    expect(publish('ticker_app', asset).ok).toBe(true);

    const { deviceId } = await provisionAgent('refusing-cam', ['--container-network', 'none']);
    // Built for another architecture: refused before it starts.
    const arm = await deployTo(deviceId, 'arm_app');
    const refusedArm = await until(() => instance(arm), (d) => d.applicationInstance.status === 'DEPLOYMENT_FAILED', 120_000);
    expect(refusedArm.applicationInstance.statusDescription).toBe("node code_node: its container is built for arm64; this device's engine runs amd64 containers");
    // A host folder the device's configuration does not allow.
    const etc = await deployTo(deviceId, 'etc_app');
    const refusedEtc = await until(() => instance(etc), (d) => d.applicationInstance.status === 'DEPLOYMENT_FAILED', 120_000);
    expect(refusedEtc.applicationInstance.statusDescription).toBe('node code_node: createOptions binds /etc, which this device does not allow (allowed: none)');
    expect([...(await labelled(arm)), ...(await labelled(etc))]).toEqual([]);

    // No engine where the agent is told to look: the node says so, naming it.
    const { deviceId: lost } = await provisionAgent('engineless-cam', ['--docker-host', 'unix:///nope.sock']);
    const noEngine = await deployTo(lost, 'ticker_app');
    const errored = await until(() => instance(noEngine), (d) => node(d)?.currentStatus === 'ERROR', 120_000);
    expect(errored.applicationInstance).toMatchObject({ status: 'DEPLOYMENT_SUCCEEDED', healthStatus: 'ERROR' });
    expect(node(errored).statusReason).toBe('No engine at unix:///nope.sock');
  });

  it('runs applications on a remote engine reached with mutual TLS (a Docker daemon on a camera, seed 003)', async () => {
    // A second Docker daemon, TLS-verified on 127.0.0.1, with a CA, its certificate and a client certificate for the agent.
    const tls = path.join(stack.dir, 'remote-engine');
    mkdirSync(tls, { recursive: true });
    const openssl = (args: string) => execFileSync('sh', ['-c', `openssl ${args}`], { cwd: tls, stdio: 'ignore' });
    openssl('req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 1 -subj /CN=camera-ca');
    openssl('req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj /CN=127.0.0.1');
    writeFileSync(path.join(tls, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    openssl('x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server-cert.pem -days 1 -extfile server.ext');
    openssl('req -newkey rsa:2048 -nodes -keyout key.pem -out client.csr -subj /CN=edge-agent');
    writeFileSync(path.join(tls, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
    openssl('x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out cert.pem -days 1 -extfile client.ext');
    const port = 23000 + Math.floor(Math.random() * 2000);
    const daemon = spawn('dockerd', ['--tlsverify', '--tlscacert', 'ca.pem', '--tlscert', 'server-cert.pem', '--tlskey', 'server-key.pem', '-H', `tcp://127.0.0.1:${port}`, '--data-root', path.join(tls, 'data'), '--exec-root', path.join(tls, 'exec'), '--pidfile', path.join(tls, 'docker.pid'), '--bridge', 'none', '--iptables=false', '--ip-masq=false'], { cwd: tls, stdio: 'ignore' });
    const remote = new Docker({ host: '127.0.0.1', port, protocol: 'https', ca: readFileSync(path.join(tls, 'ca.pem')), cert: readFileSync(path.join(tls, 'cert.pem')), key: readFileSync(path.join(tls, 'key.pem')) });
    try {
      await until(() => remote.version().then(() => true, () => false), (up) => up, 30_000);
      // Without the client certificate the agent cannot reach it; with it in <data-dir>/docker, it can.
      const agentDir = path.join(stack.dir, 'remote-cam');
      expect(spawnSync(process.execPath, ['-r', './infra/scripts/register.js', 'apps/edge-agent/src/main.ts', '--data-dir', agentDir, '--runtime', 'container', '--docker-host', `tcp://127.0.0.1:${port}`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }).stderr).toMatch(
        /a remote engine \(tcp:\/\/127\.0\.0\.1:\d+\) is reached with mutual TLS: put ca\.pem, cert\.pem and key\.pem in .*remote-cam\/docker/,
      );
      mkdirSync(path.join(agentDir, 'docker'), { recursive: true });
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) cpSync(path.join(tls, f), path.join(agentDir, 'docker', f));
      expect(publish('remote_app', busyboxAsset('remote', '#!/bin/sh\necho "on the camera"\nwhile true; do sleep 1; done\n')).ok).toBe(true);
      const { deviceId } = await provisionAgent('remote-cam', ['--docker-host', `tcp://127.0.0.1:${port}`, '--container-network', 'none']);
      const id = await deployTo(deviceId, 'remote_app');
      await until(() => instance(id), (d) => node(d)?.currentStatus === 'RUNNING', 120_000);
      // It runs on the camera's engine, not on the local one.
      const onCamera = await remote.listContainers({ filters: { label: [`com.edgefleet.application-instance=${id}`] } });
      expect(onCamera).toHaveLength(1);
      expect(await labelled(id)).toEqual([]);
      const output = async () => (await q('query($i: String!) { applicationInstanceLogs(applicationInstanceId: $i, nodeName: "code_node", first: 10) { edges { node { message } } } }', { i: id })).applicationInstanceLogs.edges.map((e: any) => e.node.message);
      await until(output, (l: string[]) => l.includes('on the camera'), 30_000);
      for (const c of await remote.listContainers({ all: true })) await remote.getContainer(c.Id).remove({ force: true });
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
  });
});

