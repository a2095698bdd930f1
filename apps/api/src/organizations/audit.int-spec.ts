import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { PrismaService } from '@edgefleet/db';
import { PackageFiles, PackageService } from '@edgefleet/packages';
import { dataOf, gql, newOrganization, seedDevice, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

/** Mutations that write no audit event, each with the reason. Keep it short: a change nobody can trace is a bug. */
const EXEMPT: Record<string, string> = {
  // Installation administration needs the installation admin key, not this organization's: its audit events are checked in organization-admin.int-spec.
  createOrganization: 'installation administration (organization-admin.int-spec)',
  suspendOrganization: 'installation administration (organization-admin.int-spec)',
  resumeOrganization: 'installation administration (organization-admin.int-spec)',
};

describe('audit trail', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let prisma: PrismaService;

  beforeAll(async () => {
    api = await startApi();
    org = await newOrganization(api);
    prisma = api.app.get(PrismaService);
  });
  afterAll(() => api.app.close());

  it('gets an event from every mutation of the schema, unless the mutation is listed as exempt with its reason', async () => {
    const device = await seedDevice(api, org, { name: 'audited-cam' });
    const doomed = await seedDevice(api, org, { name: 'audited-doomed' });
    // Jobs and rollouts need a provisioned device.
    await prisma.device.update({ where: { deviceId: device.deviceId }, data: { provisioningStatus: 'SUCCEEDED', deviceConnectionStatus: 'ONLINE' } });
    const { arn } = dataOf(await gql(api.url, org.adminKey, 'query($id: ID!) { device(deviceId: $id) { arn } }', { id: device.deviceId })).device;
    const seen: Record<string, any> = {};
    // A package whose manifest is uploaded already (uploads go over signed URLs, not GraphQL).
    const packages = api.app.get(PackageService);
    const pkg = await packages.create(org.admin, { name: 'audited-pkg-v' });
    const manifest = JSON.stringify({ nodePackage: { envelopeVersion: '2021-01-01', name: 'audited-pkg-v', version: '1.0', assets: [], interfaces: [{ name: 'interface', category: 'business_logic' }] } });
    const patchVersion = createHash('sha256').update(manifest).digest('hex');
    await prisma.packageAsset.create({ data: { packageId: pkg.packageId, sha256: patchVersion, sizeBytes: manifest.length } });
    const asset = await prisma.packageAsset.findFirstOrThrow({ where: { packageId: pkg.packageId } });
    await api.app.get(PackageFiles).receiveUpload(asset.id, Readable.from([Buffer.from(manifest)]));

    /** A manifest of the HDMI output alone: valid, and in every organization's catalogue. */
    const HDMI_ONLY = JSON.stringify({ nodeGraph: { envelopeVersion: '2021-01-01', packages: [{ name: 'panorama::hdmi_data_sink', version: '1.0' }], nodes: [{ name: 'out', interface: 'panorama::hdmi_data_sink.hdmi0' }], edges: [] } });
    /** One successful call of each mutation, in an order where each finds what it needs. */
    const calls: [name: string, query: string, variables: () => Record<string, unknown>][] = [
      ['provisionDevice', 'mutation { provisionDevice(input: {name: "audited-new"}) { deviceId } }', () => ({})],
      ['updateDeviceMetadata', 'mutation($id: ID!) { updateDeviceMetadata(deviceId: $id, description: "lobby") { name } }', () => ({ id: device.deviceId })],
      ['tagResource', 'mutation($arn: String!) { tagResource(resourceArn: $arn, tags: [{key: "site", value: "hq"}]) { key } }', () => ({ arn })],
      ['untagResource', 'mutation($arn: String!) { untagResource(resourceArn: $arn, tagKeys: ["site"]) { key } }', () => ({ arn })],
      ['updateDeviceShadowDesired', 'mutation($id: ID!) { updateDeviceShadowDesired(deviceId: $id, shadowName: "system", desired: {fps: 15}) }', () => ({ id: device.deviceId })],
      ['createApiKey', 'mutation { createApiKey(input: {name: "audited", role: VIEWER}) { apiKey { id } } }', () => ({})],
      ['revokeApiKey', 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', () => ({ id: seen.createApiKey.apiKey.id })],
      ['createAccessKey', 'mutation { createAccessKey(input: {name: "audited", role: VIEWER}) { accessKeyId } }', () => ({})],
      ['registerSoftwareImage', 'mutation { registerSoftwareImage(input: {version: "5.0.1"}) { id } }', () => ({})],
      ['createUploadUrl', 'mutation { createUploadUrl(version: "5.0.1") { url } }', () => ({})],
      ['createJobForDevices', 'mutation($id: ID!) { createJobForDevices(input: {deviceIds: [$id], jobType: REBOOT}) { jobs { jobId } } }', () => ({ id: device.deviceId })],
      ['cancelDeviceJob', 'mutation($j: String!) { cancelDeviceJob(jobId: $j) { status } }', () => ({ j: seen.createJobForDevices.jobs[0].jobId })],
      [
        'createRollout',
        'mutation($id: ID!) { createRollout(input: {name: "audited", jobType: REBOOT, target: {deviceIds: [$id]}, waves: {initialSize: 1}}) { rollout { id } } }',
        () => ({ id: device.deviceId }),
      ],
      ['pauseRollout', 'mutation($r: ID!) { pauseRollout(id: $r) { status } }', () => ({ r: seen.createRollout.rollout.id })],
      ['resumeRollout', 'mutation($r: ID!) { resumeRollout(id: $r) { status } }', () => ({ r: seen.createRollout.rollout.id })],
      ['cancelRollout', 'mutation($r: ID!) { cancelRollout(id: $r) { status } }', () => ({ r: seen.createRollout.rollout.id })],
      ['deleteDevice', 'mutation($id: ID!) { deleteDevice(deviceId: $id) { name } }', () => ({ id: doomed.deviceId })],
      ['createPackage', 'mutation { createPackage(name: "audited-pkg") { packageId } }', () => ({})],
      [
        'createPackageAssetUploadUrl',
        `mutation($p: String!) { createPackageAssetUploadUrl(packageId: $p, sha256: "${'a'.repeat(64)}", sizeBytes: 10) { url } }`,
        () => ({ p: seen.createPackage.packageId }),
      ],
      ['deletePackage', 'mutation($p: String!) { deletePackage(packageId: $p) { message } }', () => ({ p: seen.createPackage.packageId })],
      ['registerPackageVersion', 'mutation($p: String!, $v: String!) { registerPackageVersion(input: {packageId: $p, packageVersion: "1.0", patchVersion: $v}) { status } }', () => ({ p: pkg.packageId, v: patchVersion })],
      ['deregisterPackageVersion', 'mutation($p: String!, $v: String!) { deregisterPackageVersion(input: {packageId: $p, packageVersion: "1.0", patchVersion: $v}) { packageId } }', () => ({ p: pkg.packageId, v: patchVersion })],
      [
        'createNodeFromTemplateJob',
        'mutation { createNodeFromTemplateJob(input: {templateType: RTSP_CAMERA_STREAM, outputPackageName: "audited-cam", outputPackageVersion: "1.0", nodeName: "audited-cam", templateParameters: {username: "u", password: "p", streamUrl: "rtsp://10.0.0.2/x"}}) { jobId } }',
        () => ({}),
      ],
      [
        'createApplicationInstance',
        'mutation($d: String!, $m: String!) { createApplicationInstance(input: {defaultRuntimeContextDevice: $d, manifestPayload: {payloadData: $m}}) { applicationInstanceId } }',
        () => ({
          d: device.deviceId,
          m: HDMI_ONLY,
        }),
      ],
      [
        'signalApplicationInstanceNodeInstances',
        'mutation($i: String!) { signalApplicationInstanceNodeInstances(applicationInstanceId: $i, nodeSignals: [{nodeInstanceId: "out", signal: PAUSE}]) { status } }',
        () => ({ i: seen.createApplicationInstance.applicationInstanceId }),
      ],
      ['setApplicationInstanceSnapshots', 'mutation($i: String!) { setApplicationInstanceSnapshots(applicationInstanceId: $i, intervalSeconds: 10) { status } }', () => ({ i: seen.createApplicationInstance.applicationInstanceId })],
      ['removeApplicationInstance', 'mutation($i: String!) { removeApplicationInstance(applicationInstanceId: $i) { status } }', () => ({ i: seen.createApplicationInstance.applicationInstanceId })],
      ['updateCameraCredentials', 'mutation($j: String!) { updateCameraCredentials(jobId: $j, credentials: {username: "u2", password: "p2"}) { jobId } }', () => ({ j: seen.createNodeFromTemplateJob.jobId })],
      ['openTunnel', 'mutation($id: ID!) { openTunnel(input: {deviceId: $id, services: ["SSH"]}) { tunnel { tunnelId } } }', () => ({ id: device.deviceId })],
      ['rotateTunnelAccessToken', 'mutation($t: ID!) { rotateTunnelAccessToken(tunnelId: $t, clientMode: ALL) { tunnel { tunnelId } } }', () => ({ t: seen.openTunnel.tunnel.tunnelId })],
      ['closeTunnel', 'mutation($t: ID!) { closeTunnel(tunnelId: $t) { status } }', () => ({ t: seen.openTunnel.tunnel.tunnelId })],
      ['createRoleAlias', 'mutation { createRoleAlias(input: {roleAlias: "audited", credentialDurationSeconds: 900}) { roleAlias } }', () => ({})],
      ['updateRoleAlias', 'mutation { updateRoleAlias(roleAlias: "audited", input: {credentialDurationSeconds: 1800}) { roleAlias } }', () => ({})],
      ['deleteRoleAlias', 'mutation { deleteRoleAlias(roleAlias: "audited") { roleAlias } }', () => ({})],
      ['createThingGroup', 'mutation { createThingGroup(input: {thingGroupName: "audited"}) { version } }', () => ({})],
      ['updateThingGroup', 'mutation { updateThingGroup(thingGroupName: "audited", input: {description: "lobby"}) { version } }', () => ({})],
      ['addThingToThingGroup', 'mutation($id: ID!) { addThingToThingGroup(thingGroupName: "audited", deviceId: $id) { version } }', () => ({ id: device.deviceId })],
      ['removeThingFromThingGroup', 'mutation($id: ID!) { removeThingFromThingGroup(thingGroupName: "audited", deviceId: $id) { version } }', () => ({ id: device.deviceId })],
      ['createDeployment', 'mutation($m: String!) { createDeployment(input: {deploymentName: "audited", thingGroupName: "audited", manifestPayload: {payloadData: $m}}) { id } }', () => ({ m: HDMI_ONLY })],
      ['reviseDeployment', 'mutation($m: String!) { reviseDeployment(deploymentName: "audited", input: {manifestPayload: {payloadData: $m}}) { id } }', () => ({ m: HDMI_ONLY })],
      ['cancelDeployment', 'mutation { cancelDeployment(deploymentName: "audited") { status } }', () => ({})],
      ['deleteThingGroup', 'mutation { deleteThingGroup(thingGroupName: "audited") { version } }', () => ({})],
      ['setClipRetention', 'mutation { setClipRetention(days: 7) { days } }', () => ({})],
      ['deleteClips', 'mutation($id: ID!) { deleteClips(deviceId: $id) }', () => ({ id: device.deviceId })],
    ];

    const audited = () => prisma.auditEvent.count({ where: { organizationId: org.organizationId } });
    const wrote: Record<string, boolean> = {};
    for (const [name, query, variables] of calls) {
      const before = await audited();
      seen[name] = dataOf(await gql(api.url, org.adminKey, query, variables()))[name];
      wrote[name] = (await audited()) > before;
    }

    const schema = await gql(api.url, org.adminKey, '{ __schema { mutationType { fields { name } } } }');
    const mutations: string[] = schema.data!.__schema.mutationType.fields.map((f: { name: string }) => f.name).sort();
    // A new mutation fails here until it has a call above (or an exemption).
    expect(mutations.filter((m) => !(m in EXEMPT) && !(m in wrote))).toEqual([]);
    expect(mutations.filter((m) => !(m in EXEMPT) && !wrote[m])).toEqual([]);
  });
});
