import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PANORAMA_FIXTURES, type Stack, type TestCamera, codeOf, dataOf, gql, publishSampleCode, sha256, startApp, startCamera, startStack, until, uploadPackageFile, waitForOutput } from './support';

jest.setTimeout(240_000);

const FIXTURES = PANORAMA_FIXTURES;
/** A process's state letter in /proc (R running, S sleeping, T stopped), or undefined once it is gone. */
const stateOf = (pid: number) => (existsSync(`/proc/${pid}/status`) ? /State:\s+(\w)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] : undefined);

/**
 * The other half of the mission, every app its own process and a real edge agent with the process
 * runtime: a camera, a code package whose asset is a small Python script, the guide's sample manifest
 * with a camera override; the instance runs, its output is readable, PAUSE stops the process and
 * RESUME continues it, a broken replacement fails while the old instance keeps running, and removal
 * ends the process.
 */
describe('application deployment, end to end', () => {
  let stack: Stack;
  let camera: TestCamera;
  const q = async (query: string, variables: Record<string, unknown> = {}) => dataOf(await gql(stack.url, stack.key, query, variables));
  beforeAll(async () => ([stack, camera] = await Promise.all([startStack('deploy', { JOB_SWEEP_MS: '500' }), startCamera({ user: 'cam-user', password: 'cam-pass-e2e' })])));
  afterAll(() => Promise.all([stack.stop(), camera.stop()]));

  const upload = (packageId: string, file: Buffer) => uploadPackageFile(stack.url, stack.key, packageId, file);
  const publishCode = (packageId: string, folder: string) => publishSampleCode(stack.url, stack.key, stack.dir, packageId, folder);

  /** Registers SQUEEZENET_PYTORCH_V1 1.0, the guide's model package (its archive is a stand-in: nothing here runs it). */
  async function publishModel(): Promise<void> {
    const pkg = (await q('mutation { createPackage(name: "SQUEEZENET_PYTORCH_V1") { packageId } }')).createPackage.packageId;
    const model = Buffer.from('a model archive');
    const descriptor = readFileSync(path.join(FIXTURES, 'SQUEEZENET_PYTORCH_V1.descriptor.json'));
    const manifest = Buffer.from(readFileSync(path.join(FIXTURES, 'SQUEEZENET_PYTORCH_V1.package.json'), 'utf8').replace('<model_asset>', sha256(model)).replace('<model_descriptor>', sha256(descriptor)));
    for (const f of [model, descriptor, manifest]) await upload(pkg, f);
    await q('mutation($p: String!, $v: String!) { registerPackageVersion(input: {packageId: $p, packageVersion: "1.0", patchVersion: $v, markLatest: true}) { status } }', { p: pkg, v: sha256(manifest) });
  }

  it('deploys the sample application to a real agent, runs, pauses, resumes, survives a broken replacement and is removed', async () => {
    // A camera (a real RTSP one, which the agent opens) and the code package.
    const job = (await q(`mutation { createNodeFromTemplateJob(input: {templateType: RTSP_CAMERA_STREAM, outputPackageName: "exterior-south", outputPackageVersion: "1.0", nodeName: "exterior-south", templateParameters: {username: "cam-user", password: "cam-pass-e2e", streamUrl: "${camera.url}"}}) { jobId } }`)).createNodeFromTemplateJob;
    await until(() => q('query($j: String!) { nodeFromTemplateJob(jobId: $j) { status } }', { j: job.jobId }), (d) => d.nodeFromTemplateJob.status === 'SUCCEEDED');
    const pkg = (await q('mutation { createPackage(name: "SAMPLE_CODE") { packageId } }')).createPackage.packageId;
    const patch = await publishCode(pkg, 'sample-app');

    // A real edge agent.
    const { deviceId, certificates } = (await q('mutation { provisionDevice(input: {name: "app-cam"}) { deviceId certificates } }')).provisionDevice;
    const zip = path.join(stack.dir, 'app-cam.zip');
    writeFileSync(zip, Buffer.from(certificates, 'base64'));
    const agentDir = path.join(stack.dir, 'agent');
    const agent = startApp('edge-agent', { LOG_LEVEL: 'info' }, ['--bundle', zip, '--data-dir', agentDir]);
    stack.running.push(agent);
    await until(() => q('query($id: ID!) { device(deviceId: $id) { deviceConnectionStatus provisioningStatus } }', { id: deviceId }), (d) => d.device.deviceConnectionStatus === 'ONLINE' && d.device.provisioningStatus === 'SUCCEEDED');

    // The guide's sample manifest (its model node aside: the process runtime has no model runtime) with a camera override.
    const account = (await q('{ nodes(filter: {category: MEDIA_SOURCE}) { edges { node { ownerAccount } } } }')).nodes.edges[0].node.ownerAccount;
    const graph = JSON.parse(readFileSync(path.join(FIXTURES, 'graph.json'), 'utf8').replaceAll('123456789012', account));
    graph.nodeGraph.packages = graph.nodeGraph.packages.filter((p: { name: string }) => !p.name.includes('SQUEEZENET'));
    graph.nodeGraph.nodes = graph.nodeGraph.nodes.filter((n: { name: string }) => n.name !== 'model_node');
    const overrides = readFileSync(path.join(FIXTURES, 'overrides.json'), 'utf8').replaceAll('123456789012', account);
    const deploy = (replace?: string) =>
      q('mutation($input: CreateApplicationInstanceInput!) { createApplicationInstance(input: $input) { applicationInstanceId status statusDescription } }', {
        input: { name: 'sample', defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: JSON.stringify(graph) }, manifestOverridesPayload: { payloadData: overrides }, applicationInstanceIdToReplace: replace ?? null },
      });
    const created = (await deploy()).createApplicationInstance;
    expect(created).toMatchObject({ status: 'DEPLOYMENT_PENDING', statusDescription: 'Deployment Workflow has been scheduled.' });
    expect(created.applicationInstanceId).toMatch(/^applicationInstance-[a-z2-7]{26}$/);
    const id = created.applicationInstanceId;
    const instance = (i = id) => q('query($i: String!) { applicationInstance(applicationInstanceId: $i) { status healthStatus statusDescription } applicationInstanceNodeInstances(applicationInstanceId: $i) { nodeInstanceId currentStatus packageName packagePatchVersion } }', { i });
    const cameraRunning = (d: any) => d.applicationInstanceNodeInstances.find((n: any) => n.nodeInstanceId === 'my_camera')?.currentStatus === 'RUNNING';
    const running = await until(() => instance(), (d) => d.applicationInstance.status === 'DEPLOYMENT_SUCCEEDED' && d.applicationInstance.healthStatus === 'RUNNING' && cameraRunning(d), 90_000);
    expect(running.applicationInstance.statusDescription).toBe('Application deployed successfully.');
    // Once running and unchanged, the device stops reporting: each report comes back to it as `documents`, which must not
    // start another (it did, every few hundred ms, for every running instance of the fleet).
    const shadowVersion = async () => (await q('query($d: ID!) { deviceShadow(deviceId: $d, shadowName: "applications") }', { d: deviceId })).deviceShadow.version as number;
    const settled = await shadowVersion();
    await new Promise((r) => setTimeout(r, 3000));
    expect((await shadowVersion()) - settled).toBeLessThanOrEqual(2);
    // The applications shadow's delta stays in it: the system shadow (which any VIEWER reads) holds no instances and no signed URL.
    const system = JSON.stringify((await q('query($d: ID!) { deviceShadow(deviceId: $d, shadowName: "system") }', { d: deviceId })).deviceShadow);
    expect(system).not.toMatch(/instances|specs|signature/);
    const nodes = Object.fromEntries(running.applicationInstanceNodeInstances.map((n: any) => [n.nodeInstanceId, n.currentStatus]));
    expect(nodes).toEqual({ code_node: 'RUNNING', my_camera: 'RUNNING', output_node: 'NOT_AVAILABLE' });
    expect(running.applicationInstanceNodeInstances.find((n: any) => n.nodeInstanceId === 'code_node')).toMatchObject({ packageName: `${account}::SAMPLE_CODE`, packagePatchVersion: patch });
    expect((await q('query($i: String!) { applicationInstanceDependencies(applicationInstanceId: $i) { packageName patchVersion } }', { i: id })).applicationInstanceDependencies).toContainEqual({ packageName: `${account}::SAMPLE_CODE`, patchVersion: patch });

    // Its output, with the parameter override and the camera's name (the agent reads the camera: its credentials never reach the node).
    const logs = async () => (await q('query($i: String!) { applicationInstanceLogs(applicationInstanceId: $i, nodeName: "code_node", first: 100) { edges { node { message logGroup } } } }', { i: id })).applicationInstanceLogs.edges.map((e: any) => e.node);
    const lines = await until(logs, (l) => l.some((e: any) => e.message.startsWith('frame')), 30_000);
    expect(lines[0].logGroup).toBe(`/aws/panorama/devices/${deviceId}/applications/${id}`);
    expect(lines.map((l: any) => l.message)).toEqual(expect.arrayContaining([`started code_node of ${id}`, 'log_level=DEBUG threshold=20', 'cameras on video_in: my_camera']));
    expect(readFileSync(path.join(agentDir, 'apps', id, 'code_node', '.edgefleet-node.json'), 'utf8')).not.toMatch(/cam-pass-e2e|cam-user/);
    expect(camera.sessions().connected).toBeGreaterThanOrEqual(1);
    const pid = Number(readFileSync(path.join(agentDir, 'apps', id, 'code_node', 'pid'), 'utf8'));
    expect(stateOf(pid)).toMatch(/[RS]/);

    // PAUSE stops the process; RESUME continues it.
    const signal = (s: string) => q(`mutation($i: String!) { signalApplicationInstanceNodeInstances(applicationInstanceId: $i, nodeSignals: [{nodeInstanceId: "code_node", signal: ${s}}]) { applicationInstanceId } }`, { i: id });
    await signal('PAUSE');
    await until(() => instance(), (d) => d.applicationInstanceNodeInstances.find((n: any) => n.nodeInstanceId === 'code_node').currentStatus === 'PAUSED');
    expect(stateOf(pid)).toBe('T');
    await signal('RESUME');
    await until(() => instance(), (d) => d.applicationInstanceNodeInstances.find((n: any) => n.nodeInstanceId === 'code_node').currentStatus === 'RUNNING');
    expect(stateOf(pid)).toMatch(/[RS]/);

    // A broken version replaces it: the replacement fails, the old one keeps running.
    await publishCode(pkg, 'broken-app');
    const replacement = (await deploy(id)).createApplicationInstance.applicationInstanceId;
    const failed = await until(() => instance(replacement), (d) => d.applicationInstance.status === 'DEPLOYMENT_FAILED', 90_000);
    expect(failed.applicationInstance.statusDescription).toMatch(/node code_node exited at start \(exit code 3\): this version is broken/);
    const old = await until(() => instance(), (d) => /Still running/.test(d.applicationInstance.statusDescription));
    expect(old.applicationInstance).toMatchObject({ status: 'DEPLOYMENT_SUCCEEDED', healthStatus: 'RUNNING' });
    expect(old.applicationInstance.statusDescription).toContain(`its replacement ${replacement} failed`);
    expect(stateOf(pid)).toMatch(/[RS]/);

    // Removal ends the process.
    await q('mutation($i: String!) { removeApplicationInstance(applicationInstanceId: $i) { status } }', { i: id });
    await until(() => instance(), (d) => d.applicationInstance.status === 'REMOVAL_SUCCEEDED', 60_000);
    await until(async () => stateOf(pid), (s) => s === undefined || s === 'Z', 10_000);
    const listed = (await q('query($d: ID) { applicationInstances(filter: {deviceId: $d, statusFilter: REMOVAL_SUCCEEDED}) { edges { node { applicationInstanceId } } } }', { d: deviceId })).applicationInstances.edges;
    expect(listed).toEqual([{ node: { applicationInstanceId: id } }]);
    // The camera's password reached the node's configuration, never the logs of any process; no signed URL reached the agent's log.
    expect(stack.running.map((p) => p.output()).join('')).not.toContain('cam-pass-e2e');
    expect(agent.output()).not.toMatch(/signature=(?!\[redacted\])/);
    // The agent's own events reached the device's log group: its connection and the application's life.
    const deviceLog = async () => (await q('query($d: ID!) { deviceLogs(deviceId: $d, first: 100) { edges { node { logStream message } } } }', { d: deviceId })).deviceLogs.edges.map((e: any) => `${e.node.logStream} ${e.node.message}`);
    const shipped = await until(deviceLog, (l) => l.some((m: string) => /application sample removed/.test(m)), 10_000);
    expect(shipped).toEqual(expect.arrayContaining([expect.stringMatching(/^syslog INFO connected/), expect.stringMatching(/^syslog INFO application sample started/), expect.stringMatching(/^syslog WARN application sample failed to deploy: node code_node exited at start/)]));
  });

  it('rolls a deployment out over a simulated fleet in waves, and aborts one whose devices fail it', async () => {
    const fleet = (prefix: string, failureRate: string) => {
      const p = startApp('edge-agent', { EDGEFLEET_API_KEY: stack.key, API_PORT: stack.env.API_PORT, DATA_DIR: stack.env.DATA_DIR }, ['--devices', '4', '--prefix', prefix, '--churn', '0', '--deploy-failure-rate', failureRate], 'fleet.main.ts');
      stack.running.push(p);
      return waitForOutput(p, /fleet ready: 4 devices/, 90_000);
    };
    await Promise.all([fleet('dfleet', '0'), fleet('dbroken', '1')]);
    const online = (prefix: string) => until(() => q(`{ devices(first: 10, filter: {nameContains: "${prefix}-"}) { edges { node { deviceConnectionStatus } } } }`), (d) => d.devices.edges.length === 4 && d.devices.edges.every((e: any) => e.node.deviceConnectionStatus === 'ONLINE'));
    await Promise.all([online('dfleet'), online('dbroken')]);

    const account = (await q('{ nodes(filter: {category: MEDIA_SOURCE}) { edges { node { ownerAccount } } } }')).nodes.edges[0].node.ownerAccount;
    const graph = JSON.parse(readFileSync(path.join(FIXTURES, 'graph.json'), 'utf8').replaceAll('123456789012', account));
    graph.nodeGraph.packages = graph.nodeGraph.packages.filter((p: { name: string }) => !p.name.includes('SQUEEZENET'));
    graph.nodeGraph.nodes = graph.nodeGraph.nodes.filter((n: { name: string }) => n.name !== 'model_node');
    const overrides = readFileSync(path.join(FIXTURES, 'overrides.json'), 'utf8').replaceAll('123456789012', account);
    const rollout = (name: string, prefix: string, extra: object) =>
      q('mutation($input: CreateRolloutInput!) { createRollout(input: $input) { rollout { id jobType } } }', {
        input: {
          name,
          jobType: 'DEPLOY_APPLICATION',
          target: { filter: { nameContains: `${prefix}-` } },
          deviceJobConfig: { deployApplicationConfig: { manifestPayload: { payloadData: JSON.stringify(graph) }, manifestOverridesPayload: { payloadData: overrides }, applicationInstanceName: 'sample' } },
          ...extra,
        },
      });
    const progress = 'query($id: ID!) { rollout(id: $id) { status statusReason currentWave progress { targeted succeeded failed queued inProgress canceled } } }';

    const good = (await rollout('deploy-sample', 'dfleet', { waves: { initialSize: 2, growthFactor: 2 } })).createRollout.rollout;
    expect(good.jobType).toBe('DEPLOY_APPLICATION');
    const done = await until(() => q(progress, { id: good.id }), (d) => ['COMPLETED', 'ABORTED'].includes(d.rollout.status), 120_000);
    expect(done.rollout).toMatchObject({ status: 'COMPLETED', currentWave: 1, progress: { targeted: 4, succeeded: 4, failed: 0 } });
    const running = (await q('{ applicationInstances(first: 50, filter: {statusFilter: DEPLOYMENT_SUCCEEDED}) { edges { node { name defaultRuntimeContextDevice } } } }')).applicationInstances.edges;
    expect(running.filter((e: any) => e.node.name === 'sample')).toHaveLength(4);

    const bad = (await rollout('deploy-broken', 'dbroken', { waves: { initialSize: 2, growthFactor: 1 }, abortConfig: { failurePercent: 50, minExecutedForAbort: 2 } })).createRollout.rollout;
    const aborted = await until(() => q(progress, { id: bad.id }), (d) => ['COMPLETED', 'ABORTED'].includes(d.rollout.status), 120_000);
    expect(aborted.rollout).toMatchObject({ status: 'ABORTED', statusReason: expect.stringMatching(/failed or timed out \(threshold 50%\)/) });
    expect(aborted.rollout.progress).toMatchObject({ succeeded: 0, failed: 2, queued: 0 }); // the second wave never started
    // A manifest that does not check is refused when the rollout is created.
    expect(codeOf(await gql(stack.url, stack.key, 'mutation($input: CreateRolloutInput!) { createRollout(input: $input) { rollout { id } } }', {
      input: { name: 'deploy-invalid', jobType: 'DEPLOY_APPLICATION', target: { filter: { nameContains: 'dfleet-' } }, waves: { initialSize: 1 }, deviceJobConfig: { deployApplicationConfig: { manifestPayload: { payloadData: '{}' } } } },
    }))).toBe('VALIDATION_FAILED');
  });

  it("holds ten instances of the guide's sample on one device, replaces one at the quota, and refuses an eleventh naming the quota", async () => {
    await publishModel();
    const device = startApp('edge-agent', { EDGEFLEET_API_KEY: stack.key, API_PORT: stack.env.API_PORT, DATA_DIR: stack.env.DATA_DIR }, ['--devices', '1', '--prefix', 'tenapps', '--churn', '0'], 'fleet.main.ts');
    stack.running.push(device);
    await waitForOutput(device, /fleet ready: 1 devices/, 90_000);
    const deviceId = (await until(() => q('{ devices(first: 1, filter: {nameContains: "tenapps-", deviceAggregatedStatus: ONLINE}) { edges { node { deviceId } } } }'), (d) => d.devices.edges.length === 1)).devices.edges[0].node.deviceId;

    // The guide's sample whole (code, model, camera, HDMI output), with its camera chosen.
    const account = (await q('{ nodes(filter: {category: MEDIA_SOURCE}) { edges { node { ownerAccount } } } }')).nodes.edges[0].node.ownerAccount;
    const graph = readFileSync(path.join(FIXTURES, 'graph.json'), 'utf8').replaceAll('123456789012', account);
    const overrides = readFileSync(path.join(FIXTURES, 'overrides.json'), 'utf8').replaceAll('123456789012', account);
    const deploy = (name: string, replace: string | null = null) =>
      gql(stack.url, stack.key, 'mutation($input: CreateApplicationInstanceInput!) { createApplicationInstance(input: $input) { applicationInstanceId } }', {
        input: { name, defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: graph }, manifestOverridesPayload: { payloadData: overrides }, applicationInstanceIdToReplace: replace },
      });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(dataOf(await deploy(`ten-${i}`)).createApplicationInstance.applicationInstanceId);
    const statuses = () => q('query($d: ID) { applicationInstances(first: 50, filter: {deviceId: $d}) { edges { node { applicationInstanceId status statusDescription } } } }', { d: deviceId });
    const all = await until(statuses, (d) => d.applicationInstances.edges.filter((e: any) => e.node.status === 'DEPLOYMENT_SUCCEEDED').length === 10 || d.applicationInstances.edges.some((e: any) => e.node.status === 'DEPLOYMENT_FAILED'), 120_000);
    expect(all.applicationInstances.edges.map((e: any) => e.node.status)).toEqual(Array(10).fill('DEPLOYMENT_SUCCEEDED'));

    // An eleventh is refused at once, naming the quota.
    const eleventh = await deploy('ten-10');
    expect(eleventh.errors?.[0].extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'applicationsPerDevice', limit: 10 });
    // One is replaced at the quota: both are on the device until the replacement runs, and the shadow holds them.
    const replacement = dataOf(await deploy('ten-0b', ids[0])).createApplicationInstance.applicationInstanceId;
    // Both, with what they say: a replacement that failed leaves the old one running, and the failure says why.
    const pair = 'query($old: String!, $new: String!) { old: applicationInstance(applicationInstanceId: $old) { status statusDescription } replacement: applicationInstance(applicationInstanceId: $new) { status statusDescription } }';
    const settled = await until(() => q(pair, { old: ids[0], new: replacement }), (d) => d.old.status === 'REMOVAL_SUCCEEDED' || d.replacement.status === 'DEPLOYMENT_FAILED', 120_000).catch(async (err: Error) => {
      // A replacement that never settled (seen once in several CI runs, cause not found): say what the device and its shadow held.
      const shadow = await q('query($d: ID!) { deviceShadow(deviceId: $d, shadowName: "applications") }', { d: deviceId }).catch((e: Error) => e.message);
      throw new Error(`${err.message}\nthe applications shadow: ${JSON.stringify(shadow).slice(0, 9000)}\nthe device's output: ${device.output().slice(-6000)}`);
    });
    expect(settled).toMatchObject({ old: { status: 'REMOVAL_SUCCEEDED' }, replacement: { status: 'DEPLOYMENT_SUCCEEDED' } });
    // Removed instances leave the reported state: what is left is the ten that run.
    const shadow = await until(() => q('query($d: ID!) { deviceShadow(deviceId: $d, shadowName: "applications") }', { d: deviceId }), (d) => Object.keys(d.deviceShadow.state.reported?.instances ?? {}).length === 10, 30_000);
    expect(Object.keys(shadow.deviceShadow.state.reported.instances).sort()).toEqual([...ids.slice(1), replacement].sort());
    expect(JSON.stringify({ desired: shadow.deviceShadow.state.desired, reported: shadow.deviceShadow.state.reported }).length).toBeLessThan(8192);
  });
});
