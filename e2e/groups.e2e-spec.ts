import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type AppProcess, PANORAMA_FIXTURES, ROOT, type Stack, dataOf, gql, publishSampleCode, startApp, startStack, until } from './support';

jest.setTimeout(600_000);

interface DeviceState {
  deviceId: string;
  deviceName: string;
  state: string;
  revision: number | null;
  statusDescription: string | null;
}

/**
 * Continuous deployments to thing groups, with every app its own process and real edge agents
 * (process runtime): a dynamic group by tag; a device provisioned with the tag gets the group's
 * application when it comes online, and loses it when the tag goes; a device offline during a
 * new revision gets it on return; a higher-priority deployment takes over the instance name on
 * the devices both reach and gives it back when canceled; a revision that falls over after
 * starting is rolled back by the control plane, one that cannot start is never taken (the
 * agent keeps the running revision), and the rollout aborts past its threshold.
 */
describe('device groups with continuous deployments, end to end', () => {
  let stack: Stack;
  const agents = new Map<string, AppProcess>();
  const q = async (query: string, variables: Record<string, unknown> = {}) => dataOf(await gql(stack.url, stack.key, query, variables));
  beforeAll(async () => (stack = await startStack('groups', { JOB_SWEEP_MS: '500' })));
  afterAll(() => stack.stop());

  /** A device provisioned with tags, and its real agent (its data kept across restarts). */
  async function startDevice(name: string, tags: { key: string; value: string }[]): Promise<string> {
    const { deviceId, certificates } = (await q('mutation($n: String!, $t: [TagInput!]) { provisionDevice(input: {name: $n, tags: $t}) { deviceId certificates } }', { n: name, t: tags })).provisionDevice;
    writeFileSync(path.join(stack.dir, `${name}.zip`), Buffer.from(certificates, 'base64'));
    await startAgent(name);
    await until(() => q('query($id: ID!) { device(deviceId: $id) { deviceConnectionStatus provisioningStatus } }', { id: deviceId }), (d) => d.device.deviceConnectionStatus === 'ONLINE' && d.device.provisioningStatus === 'SUCCEEDED');
    return deviceId;
  }
  async function startAgent(name: string): Promise<void> {
    const agent = startApp('edge-agent', { LOG_LEVEL: 'info' }, ['--bundle', path.join(stack.dir, `${name}.zip`), '--data-dir', path.join(stack.dir, `agent-${name}`)]);
    stack.running.push(agent);
    agents.set(name, agent);
  }

  /** The guide's sample code with its two parameters (no camera, no model: the process runtime runs the code alone). */
  function manifest(account: string, version: string, threshold: number): { payloadData: string } {
    const graph = JSON.parse(readFileSync(path.join(PANORAMA_FIXTURES, 'graph.json'), 'utf8').replaceAll('123456789012', account));
    graph.nodeGraph.packages = [{ name: `${account}::SAMPLE_CODE`, version }];
    graph.nodeGraph.nodes = graph.nodeGraph.nodes.filter((n: { name: string }) => !['model_node', 'camera_node', 'output_node'].includes(n.name));
    graph.nodeGraph.nodes.find((n: { name: string }) => n.name === 'detection_threshold').value = threshold;
    graph.nodeGraph.edges = graph.nodeGraph.edges.filter((e: { producer: string }) => !e.producer.includes('video_out'));
    return { payloadData: JSON.stringify(graph) };
  }

  /** The edgefleet CLI, as an operator runs it (-o json), on this stack. */
  const edgefleet = (...args: string[]) =>
    new Promise<any>((resolve, reject) =>
      execFile(
        process.execPath,
        [path.join(ROOT, 'apps/cli/bin/edgefleet.js'), ...args, '-o', 'json'],
        { cwd: stack.dir, env: { ...process.env, NODE_OPTIONS: '', EDGEFLEET_ENDPOINT: stack.url, EDGEFLEET_API_KEY: stack.key, EDGEFLEET_CONFIG_FILE: path.join(stack.dir, 'cli.json') } },
        (err, stdout, stderr) => (err ? reject(new Error(`edgefleet ${args.join(' ')}: ${stderr}`)) : resolve(JSON.parse(stdout))),
      ),
    );

  const states = async (deployment: string): Promise<Record<string, DeviceState>> => {
    const edges = (await q('query($d: String!) { deploymentDevices(deploymentName: $d, first: 100) { edges { node { deviceId deviceName state revision statusDescription } } } }', { d: deployment })).deploymentDevices.edges;
    return Object.fromEntries(edges.map((e: { node: DeviceState }) => [e.node.deviceName, e.node]));
  };
  const summary = (s: Record<string, DeviceState>) => Object.fromEntries(Object.values(s).map((d) => [d.deviceName, `${d.state}@${d.revision}`]));
  const waitFor = (deployment: string, expected: Record<string, string>, ms = 120_000) =>
    until(
      async () => summary(await states(deployment)),
      (s) => JSON.stringify(Object.entries(s).sort()) === JSON.stringify(Object.entries(expected).sort()),
      ms,
    ).catch(async (err) => {
      throw new Error(`${(err as Error).message}\nexpected ${JSON.stringify(expected)}, got ${JSON.stringify(await states(deployment))}`);
    });
  /** The instances on a device, as the api lists them, with the deployment that owns each. */
  const instancesOn = async (deviceId: string) =>
    (await q('query($d: ID) { applicationInstances(filter: {deviceId: $d}, first: 50) { edges { node { name status healthStatus deploymentName deploymentRevision } } } }', { d: deviceId })).applicationInstances.edges
      .map((e: { node: Record<string, unknown> }) => e.node)
      .filter((i: { status: string }) => i.status === 'DEPLOYMENT_SUCCEEDED');

  it('keeps a group running its deployment as devices join, leave, go offline, and revisions fail', async () => {
    const pkg = (await q('mutation { createPackage(name: "SAMPLE_CODE") { packageId } }')).createPackage.packageId;
    await publishSampleCode(stack.url, stack.key, stack.dir, pkg, 'sample-app', '1.0');
    await publishSampleCode(stack.url, stack.key, stack.dir, pkg, 'flaky-app', '2.0');
    await publishSampleCode(stack.url, stack.key, stack.dir, pkg, 'broken-app', '3.0');

    const berlin = [{ key: 'site', value: 'berlin' }];
    const [a, b] = [await startDevice('cam-a', berlin), await startDevice('cam-b', berlin)];
    const account = (await q('query($d: ID!) { device(deviceId: $d) { arn } }', { d: a })).device.arn.split(':')[4] as string;
    expect(await edgefleet('groups', 'create', 'berlin', '--query', 'attributes.site:berlin')).toMatchObject({ thingGroupName: 'berlin', dynamic: true });
    await until(() => q('{ thingGroup(thingGroupName: "berlin") { memberCount } }'), (d) => d.thingGroup.memberCount === 2, 30_000);
    expect((await edgefleet('groups', 'members', 'berlin')).map((m: { deviceId: string }) => m.deviceId).sort()).toEqual([a, b].sort());
    const created = (
      await q('mutation($m: ManifestPayloadInput!) { createDeployment(input: {deploymentName: "counter", thingGroupName: "berlin", manifestPayload: $m, healthCheckSeconds: 60, rollout: {waves: {initialSize: 10}, abortConfig: {failurePercent: 50, minExecutedForAbort: 2}}}) { id status currentRevision failureHandling priority applicationInstanceName revisions { revision rolloutId } } }', {
        m: manifest(account, '1.0', 20),
      })
    ).createDeployment;
    expect(created).toMatchObject({ status: 'ACTIVE', currentRevision: 1, failureHandling: 'ROLLBACK', priority: 0, applicationInstanceName: 'counter', revisions: [{ revision: 1, rolloutId: expect.any(String) }] });
    await waitFor('counter', { 'cam-a': 'RUNNING@1', 'cam-b': 'RUNNING@1' });
    expect(await instancesOn(a)).toEqual([{ name: 'counter', status: 'DEPLOYMENT_SUCCEEDED', healthStatus: 'RUNNING', deploymentName: 'counter', deploymentRevision: 1 }]);

    // A device provisioned with the tag joins the group and gets the application once it is online.
    const c = await startDevice('cam-c', berlin);
    const online = Date.now();
    await waitFor('counter', { 'cam-a': 'RUNNING@1', 'cam-b': 'RUNNING@1', 'cam-c': 'RUNNING@1' });
    console.log(`groups e2e: a device that joined ran the group's application ${((Date.now() - online) / 1000).toFixed(1)} s after it came online`);
    // Its tag removed, it leaves the group and its instance of the deployment is removed.
    const arn = (await q('query($d: ID!) { device(deviceId: $d) { arn } }', { d: c })).device.arn;
    await q('mutation($arn: String!) { untagResource(resourceArn: $arn, tagKeys: ["site"]) { key } }', { arn });
    await waitFor('counter', { 'cam-a': 'RUNNING@1', 'cam-b': 'RUNNING@1' });
    await until(() => instancesOn(c), (i) => i.length === 0, 60_000);

    // Offline during a new revision: it gets it on return (the rollout waits for it).
    await agents.get('cam-b')!.stop();
    await until(() => q('query($id: ID!) { device(deviceId: $id) { deviceConnectionStatus } }', { id: b }), (d) => d.device.deviceConnectionStatus !== 'ONLINE', 60_000);
    // (The operator's CLI, from an application folder.)
    const folder = path.join(stack.dir, 'counter-app');
    mkdirSync(path.join(folder, 'graphs', 'counter'), { recursive: true });
    writeFileSync(path.join(folder, 'graphs', 'counter', 'graph.json'), manifest(account, '1.0', 30).payloadData);
    expect(await edgefleet('deployments', 'revise', 'counter', folder)).toMatchObject({ name: 'counter', currentRevision: 2, status: 'ACTIVE' });
    await waitFor('counter', { 'cam-a': 'RUNNING@2', 'cam-b': 'DEPLOYING@1' });
    await startAgent('cam-b');
    await waitFor('counter', { 'cam-a': 'RUNNING@2', 'cam-b': 'RUNNING@2' });
    const listed = (await edgefleet('deployments', 'devices', 'counter')) as DeviceState[];
    expect(listed.map((d) => `${d.deviceName} ${d.state} ${d.revision}`).sort()).toEqual(['cam-a RUNNING 2', 'cam-b RUNNING 2']);

    // A higher-priority deployment naming the same instance takes it over on the devices both reach, and gives it back when canceled.
    await q('mutation { createThingGroup(input: {thingGroupName: "vip"}) { version } }');
    await q('mutation($d: ID!) { addThingToThingGroup(thingGroupName: "vip", deviceId: $d) { memberCount } }', { d: a });
    await q('mutation($m: ManifestPayloadInput!) { createDeployment(input: {deploymentName: "vip-counter", thingGroupName: "vip", applicationInstanceName: "counter", priority: 10, manifestPayload: $m}) { id } }', { m: manifest(account, '1.0', 90) });
    await waitFor('vip-counter', { 'cam-a': 'RUNNING@1' });
    await waitFor('counter', { 'cam-a': 'SUPERSEDED@null', 'cam-b': 'RUNNING@2' });
    expect(await instancesOn(a)).toEqual([expect.objectContaining({ name: 'counter', deploymentName: 'vip-counter', deploymentRevision: 1 })]);
    await q('mutation { cancelDeployment(deploymentName: "vip-counter") { status } }');
    await waitFor('counter', { 'cam-a': 'RUNNING@2', 'cam-b': 'RUNNING@2' });
    expect(await instancesOn(a)).toEqual([expect.objectContaining({ deploymentName: 'counter', deploymentRevision: 2 })]);

    // A revision that needs newer software: each device gets an OTA job first, then the application once it runs the version.
    const image = (await q('mutation { registerSoftwareImage(input: {version: "9.0.0"}) { version } createUploadUrl(version: "9.0.0") { url } }')).createUploadUrl.url;
    expect((await fetch(image, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from('a software image') })).status).toBe(200);
    await q('mutation($m: ManifestPayloadInput!) { reviseDeployment(deploymentName: "counter", input: {manifestPayload: $m, softwareVersion: "9.0.0"}) { currentRevision } }', { m: manifest(account, '1.0', 40) });
    await waitFor('counter', { 'cam-a': 'RUNNING@3', 'cam-b': 'RUNNING@3' });
    for (const d of [a, b]) {
      const device = (await q('query($d: ID!) { device(deviceId: $d) { currentSoftware } devicesJobs(deviceId: $d, first: 10) { edges { node { jobType status } } } }', { d })) as any;
      expect(device.device.currentSoftware).toBe('9.0.0');
      expect(device.devicesJobs.edges.map((e: any) => e.node)).toContainEqual({ jobType: 'OTA', status: 'COMPLETED' });
    }

    // A revision that falls over after it started: rolled back to the last one that ran (3), each device counted as failed by its rollout.
    const rollout3 = (await q('mutation($m: ManifestPayloadInput!) { reviseDeployment(deploymentName: "counter", input: {manifestPayload: $m}) { revisions { revision rolloutId } } }', { m: manifest(account, '2.0', 30) })).reviseDeployment.revisions[0].rolloutId;
    await waitFor('counter', { 'cam-a': 'ROLLED_BACK@3', 'cam-b': 'ROLLED_BACK@3' });
    expect((await states('counter'))['cam-a'].statusDescription).toMatch(/^Rolled back to revision 3: its health was ERROR within 60 s of running\.$/);
    await until(() => q('query($id: ID!) { rollout(id: $id) { progress { failed succeeded } } }', { id: rollout3 }), (d) => d.rollout.progress.failed === 2 && d.rollout.progress.succeeded === 0);
    await until(() => instancesOn(a), (i) => i.length === 1 && i[0].deploymentRevision === 3 && i[0].healthStatus === 'RUNNING');

    // A revision that cannot start is never taken (the agent keeps revision 3 running), and its rollout aborts past the threshold.
    const rollout4 = (await q('mutation($m: ManifestPayloadInput!) { reviseDeployment(deploymentName: "counter", input: {manifestPayload: $m}) { revisions { rolloutId } } }', { m: manifest(account, '3.0', 30) })).reviseDeployment.revisions[0].rolloutId;
    await until(() => q('query($id: ID!) { rollout(id: $id) { status statusReason } }', { id: rollout4 }), (d) => d.rollout.status === 'ABORTED');
    await waitFor('counter', { 'cam-a': 'ROLLED_BACK@3', 'cam-b': 'ROLLED_BACK@3' });
    expect((await states('counter'))['cam-b'].statusDescription).toMatch(/exited at start/);
    expect(await instancesOn(b)).toEqual([expect.objectContaining({ deploymentRevision: 3, healthStatus: 'RUNNING' })]);

    // Canceled: removed from every device.
    await q('mutation { cancelDeployment(deploymentName: "counter") { status } }');
    await waitFor('counter', { 'cam-a': 'REMOVED@null', 'cam-b': 'REMOVED@null' });
    await until(async () => [...(await instancesOn(a)), ...(await instancesOn(b))], (i) => i.length === 0, 60_000);
  });
});
