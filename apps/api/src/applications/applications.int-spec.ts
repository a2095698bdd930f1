import { type ApplicationsDesired, instanceSpecUrl } from '@edgefleet/contracts';
import { DeploymentService, DeviceApplicationsApi } from '@edgefleet/applications';
import { PrismaService } from '@edgefleet/db';
import { ShadowDeviceApi } from '@edgefleet/shadows';
import { CameraStreamService } from '@edgefleet/streams';
import { codeOf, collect, dataOf, errorOf, gql, newOrganization, seedDevice, subscriptionClient, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

const hdmiOnly = (extra: object[] = []) =>
  JSON.stringify({
    nodeGraph: {
      envelopeVersion: '2021-01-01',
      packages: [{ name: 'panorama::hdmi_data_sink', version: '1.0' }, { name: 'panorama::abstract_rtsp_media_source', version: '1.0' }],
      nodes: [{ name: 'output_node', interface: 'panorama::hdmi_data_sink.hdmi0' }, ...extra],
      edges: [],
    },
  });

describe('application instances through GraphQL, and the worker and device use cases behind them', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let prisma: PrismaService;
  let deviceId: string;
  const q = (query: string, variables: Record<string, unknown> = {}, key = org.adminKey) => gql(api.url, key, query, variables);
  const create = (input: Record<string, unknown>, key?: string) =>
    q('mutation($input: CreateApplicationInstanceInput!) { createApplicationInstance(input: $input) { applicationInstanceId status statusDescription } }', { input }, key);

  beforeAll(async () => {
    api = await startApi();
    org = await newOrganization(api, { applicationsPerDevice: 2 });
    prisma = api.app.get(PrismaService);
    deviceId = (await seedDevice(api, org, { name: 'apps-cam' })).deviceId;
    await prisma.device.update({ where: { deviceId }, data: { provisioningStatus: 'SUCCEEDED' } });
  });
  afterAll(() => api.app.close());

  it('refuse bad input with precise errors, and record nothing', async () => {
    const unprovisioned = (await seedDevice(api, org, { name: 'apps-new' })).deviceId;
    const before = await prisma.applicationInstance.count({ where: { organizationId: org.organizationId } });
    const invalid = errorOf(await create({ defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: '{"nodeGraph": {"envelopeVersion": "2021-01-01", "packages": [], "nodes": [{"name": "n", "interface": "int32", "value": "x"}], "edges": []}}' } }));
    expect(invalid.extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'INVALID_PACKAGE_MANIFEST', problems: [{ document: 'manifestPayload', path: '$.nodeGraph.nodes[0].value', message: '"x" is not a int32 (an integer from -2147483648 to 2147483647)' }] });
    expect(errorOf(await create({ defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: 'x'.repeat(51_201) } })).extensions!.problems).toEqual([{ document: 'manifestPayload', path: '$', message: 'is 51201 characters; at most 51200 are allowed' }]);
    expect(errorOf(await create({ defaultRuntimeContextDevice: 'device-aaaaaaaaaaaaaaaaaaaaaaaaaa', manifestPayload: { payloadData: hdmiOnly() } })).extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'DEVICE_NOT_FOUND' });
    expect(errorOf(await create({ defaultRuntimeContextDevice: unprovisioned, manifestPayload: { payloadData: hdmiOnly() } })).extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'defaultRuntimeContextDevice' });
    expect(errorOf(await create({ defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: hdmiOnly() }, runtimeRoleArn: 'admin' })).extensions).toMatchObject({ field: 'runtimeRoleArn' });
    expect(errorOf(await create({ defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: hdmiOnly() }, name: 'bad name' })).extensions).toMatchObject({ field: 'name' });
    expect(errorOf(await create({ defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: hdmiOnly() }, applicationInstanceIdToReplace: 'applicationInstance-aaaaaaaaaaaaaaaaaaaaaaaaaa' })).extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(await prisma.applicationInstance.count({ where: { organizationId: org.organizationId } })).toBe(before);
  });

  it('record the intent, take signals, are removed, and stop at the per-device quotas (saying which)', async () => {
    const camera = { name: 'cam', interface: 'panorama::abstract_rtsp_media_source.rtsp_v1_interface', launch: 'onSignal' };
    const created = dataOf(await create({ name: 'first', defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: hdmiOnly([camera]) }, tags: [{ key: 'site', value: 'hq' }] })).createApplicationInstance;
    expect(created).toMatchObject({ status: 'DEPLOYMENT_PENDING', statusDescription: 'Deployment Workflow has been scheduled.' });
    const id = created.applicationInstanceId;
    expect(await prisma.outboxMessage.count({ where: { queue: 'applications', jobName: 'sync-device', payload: { equals: { deviceId } } } })).toBeGreaterThanOrEqual(1);
    const nodes = dataOf(await q('query($i: String!) { applicationInstanceNodeInstances(applicationInstanceId: $i) { nodeInstanceId currentStatus packageName } }', { i: id })).applicationInstanceNodeInstances;
    expect(nodes).toEqual([
      { nodeInstanceId: 'cam', currentStatus: 'NOT_AVAILABLE', packageName: 'panorama::abstract_rtsp_media_source' },
      { nodeInstanceId: 'output_node', currentStatus: 'NOT_AVAILABLE', packageName: 'panorama::hdmi_data_sink' },
    ]);
    // A node launched onSignal starts paused.
    expect(await prisma.nodeInstance.findFirst({ where: { applicationInstanceId: id, nodeInstanceId: 'cam' } })).toMatchObject({ signal: 'PAUSE' });
    const signal = (node: string) => q(`mutation($i: String!) { signalApplicationInstanceNodeInstances(applicationInstanceId: $i, nodeSignals: [{nodeInstanceId: "${node}", signal: RESUME}]) { applicationInstanceId } }`, { i: id });
    expect((await signal('cam')).errors).toBeUndefined();
    expect(await prisma.nodeInstance.findFirst({ where: { applicationInstanceId: id, nodeInstanceId: 'cam' } })).toMatchObject({ signal: 'RESUME' });
    expect(errorOf(await signal('nope')).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'nodeInstanceId' });
    const listed = dataOf(await q('query($d: ID) { applicationInstances(filter: {deviceId: $d, statusFilter: PROCESSING_DEPLOYMENT}) { edges { node { applicationInstanceId tags { key value } manifestPayload { payloadData } } } } }', { d: deviceId })).applicationInstances.edges;
    expect(listed.map((e: any) => e.node.applicationInstanceId)).toContain(id);
    expect(JSON.parse(listed.find((e: any) => e.node.applicationInstanceId === id).node.manifestPayload.payloadData).nodeGraph.nodes).toHaveLength(2);

    // Two instances at most on this device; the replaced one does not count.
    const second = dataOf(await create({ defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: hdmiOnly() } })).createApplicationInstance.applicationInstanceId;
    expect(errorOf(await create({ defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: hdmiOnly() } })).extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'applicationsPerDevice', limit: 2 });
    const replacing = await create({ defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: hdmiOnly() }, applicationInstanceIdToReplace: second });
    expect(replacing.errors).toBeUndefined();
    const removed = dataOf(await q('mutation($i: String!) { removeApplicationInstance(applicationInstanceId: $i) { status statusDescription } }', { i: id })).removeApplicationInstance;
    expect(removed).toEqual({ status: 'REMOVAL_PENDING', statusDescription: 'Removal Workflow has been scheduled.' });
    expect(errorOf(await q('mutation($i: String!) { removeApplicationInstance(applicationInstanceId: $i) { status } }', { i: id })).extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATE_TRANSITION' });
    // The replaced instance runs until its replacement does: still two on the device.
    expect(errorOf(await create({ defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: hdmiOnly() } })).extensions).toMatchObject({ quota: 'applicationsPerDevice' });

    // Deployments per device per day.
    const busy = await newOrganization(api, { deploymentsPerDevicePerDay: 1 });
    const busyDevice = (await seedDevice(api, busy, { name: 'busy-cam' })).deviceId;
    await prisma.device.update({ where: { deviceId: busyDevice }, data: { provisioningStatus: 'SUCCEEDED' } });
    expect((await create({ defaultRuntimeContextDevice: busyDevice, manifestPayload: { payloadData: hdmiOnly() } }, busy.adminKey)).errors).toBeUndefined();
    const day = errorOf(await create({ defaultRuntimeContextDevice: busyDevice, manifestPayload: { payloadData: hdmiOnly() } }, busy.adminKey));
    expect(day.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'deploymentsPerDevicePerDay', limit: 1 });
  });

  it("deploy through the device's applications shadow, follow its reports back, and time out", async () => {
    const other = await newOrganization(api);
    const device = (await seedDevice(api, other, { name: 'shadow-cam' })).deviceId;
    await prisma.device.update({ where: { deviceId: device }, data: { provisioningStatus: 'SUCCEEDED' } });
    // A camera of that organization, used by the instance.
    const cameras = api.app.get(CameraStreamService);
    const job = await cameras.createNodeFromTemplateJob(other.admin, { templateType: 'RTSP_CAMERA_STREAM', outputPackageName: 'dock', outputPackageVersion: '1.0', nodeName: 'dock', templateParameters: { username: 'dock-user', password: 'dock-pass', streamUrl: 'rtsp://10.9.9.9/live' } });
    expect(await cameras.process(job.jobId)).toBe('SUCCEEDED');
    const account = (await prisma.organization.findUniqueOrThrow({ where: { id: other.organizationId } })).accountId;
    const manifest = hdmiOnly([{ name: 'camera_node', interface: 'panorama::abstract_rtsp_media_source.rtsp_v1_interface', overridable: true }]);
    const overrides = JSON.stringify({ nodeGraphOverrides: { packages: [{ name: `${account}::dock`, version: '1.0' }], nodes: [{ name: 'dock_cam', interface: `${account}::dock.dock` }], nodeOverrides: [{ replace: 'camera_node', with: [{ name: 'dock_cam' }] }] } });
    const id = dataOf(await create({ defaultRuntimeContextDevice: device, manifestPayload: { payloadData: manifest }, manifestOverridesPayload: { payloadData: overrides } }, other.adminKey)).createApplicationInstance.applicationInstanceId;

    const deployments = api.app.get(DeploymentService);
    // Subscribers of that device hear the change; another organization's key subscribing to it hears nothing.
    const watcher = subscriptionClient(api.url, other.adminKey);
    const intruder = subscriptionClient(api.url, org.adminKey);
    const subscription = 'subscription($d: ID!) { applicationInstanceUpdated(deviceId: $d) { applicationInstanceId status } }';
    const heard = collect(watcher, subscription, { d: device }, 1, 5000);
    const overheard = collect(intruder, subscription, { d: device }, 1, 2500);
    await new Promise((r) => setTimeout(r, 300)); // both subscribed
    await deployments.syncDevice(device);
    expect((await heard).events).toEqual([{ data: { applicationInstanceUpdated: { applicationInstanceId: id, status: 'DEPLOYMENT_REQUESTED' } } }]);
    expect((await overheard).events).toEqual([]);
    await Promise.all([watcher.dispose(), intruder.dispose()]);
    const shadows = api.app.get(ShadowDeviceApi);
    const doc = (await shadows.get(device, 'applications')) as { state: { desired: Required<ApplicationsDesired> } };
    // The desired state names the spec's revision; the device fetches the spec through its signed specs URL.
    const { specs, instances } = doc.state.desired;
    expect(instances).toEqual({ [id]: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const fetchSpec = async (url: string) => {
      const u = new URL(url);
      const r = await fetch(`${api.url}${u.pathname}${u.search}`);
      return { status: r.status, body: (await r.json()) as any };
    };
    const spec = await fetchSpec(instanceSpecUrl(specs, id));
    expect(spec).toMatchObject({ status: 200, body: { revision: instances[id], name: null } });
    expect(spec.body.nodes.find((n: any) => n.name === 'dock_cam')).toMatchObject({ category: 'media_source', streamUrl: 'rtsp://10.9.9.9/live' });
    expect(JSON.stringify(doc) + JSON.stringify(spec.body)).not.toContain('dock-pass');
    // The signature is the device's: another device's instance reads as not found, another device's path is refused.
    expect((await fetchSpec(instanceSpecUrl(specs, 'applicationInstance-aaaaaaaaaaaaaaaaaaaaaaaaaa'))).status).toBe(404);
    expect((await fetchSpec(instanceSpecUrl(specs.replace(device, deviceId), id))).status).toBe(403);
    expect((await prisma.applicationInstance.findUniqueOrThrow({ where: { applicationInstanceId: id } })).status).toBe('DEPLOYMENT_REQUESTED');

    // The device asks for the camera's credentials: given for its own camera only.
    const devices = api.app.get(DeviceApplicationsApi);
    expect(await devices.cameraCredentials(device, 'dock')).toEqual({ username: 'dock-user', password: 'dock-pass' });
    await expect(devices.cameraCredentials(device, 'exterior-south')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(devices.cameraCredentials(deviceId, 'dock')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(devices.ingestLogs(deviceId, { applicationInstanceId: id, logStream: 'code_node', events: [{ timestamp: Date.now(), message: 'x' }] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await devices.ingestLogs(device, { applicationInstanceId: id, logStream: 'dock_cam', events: [{ timestamp: 1_796_000_000_000, message: 'stream opened' }] });
    const logs = dataOf(await q('query($i: String!) { applicationInstanceLogs(applicationInstanceId: $i, nodeName: "dock_cam") { edges { node { logGroup logStream message timestamp } } } }', { i: id }, other.adminKey)).applicationInstanceLogs.edges;
    expect(logs).toEqual([{ node: { logGroup: `/aws/panorama/devices/${device}/applications/${id}`, logStream: 'dock_cam', message: 'stream opened', timestamp: new Date(1_796_000_000_000).toISOString() } }]);

    // Frames leave a device only while an operator asked for snapshots, and only of its own instances' output.
    const frame = { applicationInstanceId: id, streamId: 'dock_cam', capturedAt: 1_796_000_000_000, labels: ['Class [car]'], jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]).toString('base64') };
    await expect(devices.storeFrame(device, frame)).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'SNAPSHOTS_OFF' });
    await expect(devices.storeFrame(deviceId, frame)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const snapshots = (seconds: number, key = other.adminKey) => q('mutation($i: String!, $s: Int!) { setApplicationInstanceSnapshots(applicationInstanceId: $i, intervalSeconds: $s) { snapshotIntervalSeconds } }', { i: id, s: seconds }, key);
    expect(errorOf(await snapshots(3601)).extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'intervalSeconds' });
    expect(codeOf(await snapshots(10, org.adminKey))).toBe('NOT_FOUND'); // another organization's instance
    expect(dataOf(await snapshots(10)).setApplicationInstanceSnapshots).toEqual({ snapshotIntervalSeconds: 10 });
    await expect(devices.storeFrame(device, { ...frame, jpeg: Buffer.from('not a jpeg').toString('base64') })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'jpeg' } });
    await devices.storeFrame(device, frame);
    const lastFrame = () => q('query($i: String!) { applicationInstanceLastFrame(applicationInstanceId: $i) { streamId capturedAt labels jpegBase64 } }', { i: id }, other.adminKey);
    expect(dataOf(await lastFrame()).applicationInstanceLastFrame).toEqual({ streamId: 'dock_cam', capturedAt: new Date(1_796_000_000_000).toISOString(), labels: ['Class [car]'], jpegBase64: frame.jpeg });
    expect(codeOf(await q('query($i: String!) { applicationInstanceLastFrame(applicationInstanceId: $i) { streamId } }', { i: id }))).toBe('NOT_FOUND');
    dataOf(await snapshots(0));
    expect(dataOf(await lastFrame()).applicationInstanceLastFrame).toBeNull();

    // The device reports: the instance and its nodes follow.
    await shadows.update(device, 'applications', { state: { reported: { instances: { [id]: { status: 'DEPLOYMENT_SUCCEEDED', healthStatus: 'RUNNING', nodes: { dock_cam: { currentStatus: 'RUNNING' } } } } } } });
    await deployments.projectReport(device);
    const instance = dataOf(await q('query($i: String!) { applicationInstance(applicationInstanceId: $i) { status healthStatus statusDescription } applicationInstanceNodeInstances(applicationInstanceId: $i) { nodeInstanceId currentStatus } }', { i: id }, other.adminKey));
    expect(instance.applicationInstance).toEqual({ status: 'DEPLOYMENT_SUCCEEDED', healthStatus: 'RUNNING', statusDescription: 'Application deployed successfully.' });
    expect(instance.applicationInstanceNodeInstances).toContainEqual({ nodeInstanceId: 'dock_cam', currentStatus: 'RUNNING' });
    // A report that does not fit the status (back to in progress) changes nothing.
    await shadows.update(device, 'applications', { state: { reported: { instances: { [id]: { status: 'DEPLOYMENT_IN_PROGRESS' } } } } });
    await deployments.projectReport(device);
    expect((await prisma.applicationInstance.findUniqueOrThrow({ where: { applicationInstanceId: id } })).status).toBe('DEPLOYMENT_SUCCEEDED');

    // Removal requested and never confirmed: it times out as REMOVAL_FAILED.
    await q('mutation($i: String!) { removeApplicationInstance(applicationInstanceId: $i) { status } }', { i: id }, other.adminKey);
    await deployments.syncDevice(device);
    expect(((await shadows.get(device, 'applications')) as any).state.desired?.instances ?? {}).toEqual({});
    await prisma.applicationInstance.update({ where: { applicationInstanceId: id }, data: { timeoutAt: new Date(Date.now() - 1000) } });
    expect(await deployments.sweep()).toContain(id);
    expect(await prisma.applicationInstance.findUniqueOrThrow({ where: { applicationInstanceId: id } })).toMatchObject({ status: 'REMOVAL_FAILED', statusDescription: 'Timed out while REMOVAL_REQUESTED' });
    // Its spec is no longer served, and once the device reports again its settled entry is cleared from the reported state.
    expect((await fetchSpec(instanceSpecUrl(specs, id))).status).toBe(404);
    await shadows.update(device, 'applications', { state: { reported: { instances: { [id]: { status: 'REMOVAL_SUCCEEDED' } } } } });
    await deployments.projectReport(device);
    expect(((await shadows.get(device, 'applications')) as any).state.reported?.instances ?? {}).toEqual({});
    expect(codeOf(await q('query($i: String!) { applicationInstance(applicationInstanceId: $i) { status } }', { i: id }))).toBe('NOT_FOUND'); // not the first organization's
  });
});

describe('a replacement and the instance it replaced, settled by one report', () => {
  let api: RunningApi;
  afterAll(() => api.app.close());

  it('retires the replaced instance and takes its removal from the same report, whatever the order of its entries', async () => {
    api = await startApi();
    const org = await newOrganization(api);
    const prisma = api.app.get(PrismaService);
    const [shadows, deployments] = [api.app.get(ShadowDeviceApi), api.app.get(DeploymentService)];
    const deviceId = (await seedDevice(api, org, { name: 'replaced-cam' })).deviceId;
    await prisma.device.update({ where: { deviceId }, data: { provisioningStatus: 'SUCCEEDED' } });
    const create = (replace?: string) =>
      gql(api.url, org.adminKey, 'mutation($input: CreateApplicationInstanceInput!) { createApplicationInstance(input: $input) { applicationInstanceId } }', { input: { defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: hdmiOnly() }, applicationInstanceIdToReplace: replace } });
    const report = async (instances: Record<string, object>) => {
      await shadows.update(deviceId, 'applications', { state: { reported: { instances } } });
      await deployments.projectReport(deviceId);
    };
    const old = dataOf(await create()).createApplicationInstance.applicationInstanceId;
    await deployments.syncDevice(deviceId);
    await report({ [old]: { status: 'DEPLOYMENT_SUCCEEDED' } });
    const replacement = dataOf(await create(old)).createApplicationInstance.applicationInstanceId;
    await deployments.syncDevice(deviceId);
    // The device ran the replacement and stopped the old one at once: one report, the removal listed first.
    await report({ [old]: { status: 'REMOVAL_SUCCEEDED' }, [replacement]: { status: 'DEPLOYMENT_SUCCEEDED' } });
    const statuses = await prisma.applicationInstance.findMany({ where: { applicationInstanceId: { in: [old, replacement] } }, select: { applicationInstanceId: true, status: true } });
    expect(Object.fromEntries(statuses.map((s) => [s.applicationInstanceId, s.status]))).toEqual({ [old]: 'REMOVAL_SUCCEEDED', [replacement]: 'DEPLOYMENT_SUCCEEDED' });
  });
});

describe("the device's applications shadow as a quota", () => {
  let api: RunningApi;
  afterAll(() => api.app.close());

  it('refuses, at createApplicationInstance, an instance its shadow has no room for, naming SHADOW_MAX_BYTES', async () => {
    api = await startApi({ SHADOW_MAX_BYTES: '2048' });
    const org = await newOrganization(api);
    const prisma = api.app.get(PrismaService);
    const deviceId = (await seedDevice(api, org, { name: 'small-shadow' })).deviceId;
    await prisma.device.update({ where: { deviceId }, data: { provisioningStatus: 'SUCCEEDED' } });
    const create = () =>
      gql(api.url, org.adminKey, 'mutation($input: CreateApplicationInstanceInput!) { createApplicationInstance(input: $input) { applicationInstanceId } }', { input: { defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: hdmiOnly() } } });
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await create());
    const refused = outcomes.findIndex((r) => r.errors);
    expect(refused).toBeGreaterThan(1);
    const error = errorOf(outcomes[refused]);
    expect(error.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'SHADOW_MAX_BYTES', limit: 2048 });
    expect(error.message).toMatch(/applications shadow holds 2048 bytes of desired and reported state/);
    expect(await prisma.applicationInstance.count({ where: { defaultRuntimeContextDevice: deviceId } })).toBe(refused);
  });
});
