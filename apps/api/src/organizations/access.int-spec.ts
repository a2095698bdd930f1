import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, randomUUID } from 'node:crypto';
import { PrismaService } from '@edgefleet/db';
import { newApplicationInstanceId, newNodeFromTemplateJobId, newPackageId } from '@edgefleet/domain';
import { codeOf, dataOf, gql, newKey, newOrganization, seedDevice, type TestOrganization } from '@edgefleet/e2e-support';
import { GraphqlClient } from '@edgefleet/client';
import { InstallationService } from '@edgefleet/organizations';
import { OPERATIONS } from '../panorama/rest-json';
import { type RunningApi, startApi } from '../test/start-api';

interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A SigV4-signed call of the Panorama API (or CloudWatch Logs', `service: 'logs'`), as the AWS SDKs sign it. */
async function signedCall(api: RunningApi, key: AccessKey, method: string, path: string, body?: object, service = 'panorama') {
  const url = new URL(`${api.url}/${service}${path}`);
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = { host: url.host, 'content-type': service === 'logs' ? 'application/x-amz-json-1.1' : 'application/json' };
  if (service === 'logs') headers['x-amz-target'] = 'Logs_20140328.GetLogEvents';
  const signer = new SignatureV4({ service, region: api.config.REGION, credentials: key, sha256: Hash.bind(null, 'sha256') });
  const request = await signer.sign({ method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: text });
  const r = await fetch(url, { method, headers: request.headers, body: method === 'GET' ? undefined : text });
  return { status: r.status, type: r.headers.get('x-amzn-errortype'), retryAfter: r.headers.get('retry-after'), body: (await r.json()) as Record<string, any> };
}

const createAccessKey = async (api: RunningApi, org: TestOrganization, role: string): Promise<AccessKey> =>
  dataOf(await gql(api.url, org.adminKey, `mutation { createAccessKey(input: {name: "${role.toLowerCase()}", role: ${role}}) { accessKeyId secretAccessKey } }`)).createAccessKey;

/** A manifest of the HDMI output alone: valid, and in every organization's catalogue. */
const HDMI_ONLY = JSON.stringify({ nodeGraph: { envelopeVersion: '2021-01-01', packages: [{ name: 'panorama::hdmi_data_sink', version: '1.0' }], nodes: [{ name: 'out', interface: 'panorama::hdmi_data_sink.hdmi0' }], edges: [] } });

/**
 * Every query and mutation of the schema, with variables aimed at organization A's
 * resources. A new operation without a line here fails the coverage test below.
 */
function operations(a: { deviceId: string; arn: string; keyId: string; jobId: string; rolloutId: string; organizationId: string; packageId: string; packageArn: string; cameraJobId: string; applicationInstanceId: string; tunnelId: string; clipId: string }) {
  return {
    query: {
      devices: ['{ devices(first: 50) { totalCount edges { node { deviceId } } } }', {}],
      fleetSummary: ['{ fleetSummary { total byAggregatedStatus { status count } bySoftware { software count } } }', {}],
      whoami: ['{ whoami { organizationId role } }', {}],
      device: ['query($id: ID!) { device(deviceId: $id) { name } }', { id: a.deviceId }],
      apiKeys: ['{ apiKeys { id } }', {}],
      auditEvents: ['{ auditEvents(first: 50) { id targetId } }', {}],
      deviceShadow: ['query($id: ID!) { deviceShadow(deviceId: $id, shadowName: "system") }', { id: a.deviceId }],
      softwareImages: ['{ softwareImages { version } }', {}],
      deviceJob: ['query($j: String!) { deviceJob(jobId: $j) { status } }', { j: a.jobId }],
      devicesJobs: ['query($id: ID!) { devicesJobs(deviceId: $id, first: 10) { edges { node { jobId } } } }', { id: a.deviceId }],
      rollout: ['query($r: ID!) { rollout(id: $r) { name } }', { r: a.rolloutId }],
      rollouts: ['{ rollouts { name } }', {}],
      organizations: ['{ organizations { id } }', {}],
      packages: ['{ packages(first: 50) { edges { node { packageId } } } }', {}],
      package: ['query($p: String!) { package(packageId: $p) { packageName } }', { p: a.packageId }],
      packageVersion: ['query($p: String!) { packageVersion(packageId: $p, packageVersion: "1.0") { patchVersion } }', { p: a.packageId }],
      nodes: ['{ nodes(first: 50) { edges { node { nodeId } } } }', {}],
      nodeFromTemplateJob: ['query($j: String!) { nodeFromTemplateJob(jobId: $j) { nodeName } }', { j: a.cameraJobId }],
      nodeFromTemplateJobs: ['{ nodeFromTemplateJobs(first: 50) { edges { node { jobId } } } }', {}],
      applicationInstances: ['{ applicationInstances(first: 50) { edges { node { applicationInstanceId } } } }', {}],
      applicationInstance: ['query($i: String!) { applicationInstance(applicationInstanceId: $i) { name } }', { i: a.applicationInstanceId }],
      applicationInstanceDependencies: ['query($i: String!) { applicationInstanceDependencies(applicationInstanceId: $i) { packageName } }', { i: a.applicationInstanceId }],
      applicationInstanceNodeInstances: ['query($i: String!) { applicationInstanceNodeInstances(applicationInstanceId: $i) { nodeInstanceId } }', { i: a.applicationInstanceId }],
      applicationInstanceLogs: ['query($i: String!) { applicationInstanceLogs(applicationInstanceId: $i) { edges { node { message } } } }', { i: a.applicationInstanceId }],
      applicationInstanceLastFrame: ['query($i: String!) { applicationInstanceLastFrame(applicationInstanceId: $i) { jpegBase64 } }', { i: a.applicationInstanceId }],
      deviceLogs: ['query($d: ID!) { deviceLogs(deviceId: $d) { edges { node { message } } } }', { d: a.deviceId }],
      tunnel: ['query($t: ID!) { tunnel(tunnelId: $t) { status } }', { t: a.tunnelId }],
      tunnels: ['{ tunnels { edges { node { tunnelId } } } }', {}],
      roleAlias: ['{ roleAlias(roleAlias: "secret-alias") { policyDocument } }', {}],
      roleAliases: ['{ roleAliases { edges { node { roleAlias } } } }', {}],
      clips: ['query($d: ID!) { clips(deviceId: $d) { edges { node { objectKey } } } }', { d: a.deviceId }],
      clip: ['query($c: ID!) { clip(clipId: $c) { url } }', { c: a.clipId }],
      clipRetention: ['{ clipRetention { days clips } }', {}],
      thingGroup: ['{ thingGroup(thingGroupName: "secret-group") { version } }', {}],
      thingGroups: ['{ thingGroups { edges { node { thingGroupName } } } }', {}],
      thingGroupMembers: ['{ thingGroupMembers(thingGroupName: "secret-group") { edges { node { deviceId } } } }', {}],
      thingGroupsOfDevice: ['query($d: ID!) { thingGroupsOfDevice(deviceId: $d) { thingGroupName } }', { d: a.deviceId }],
      deployment: ['{ deployment(deploymentName: "secret-deployment") { id } }', {}],
      deployments: ['{ deployments { edges { node { name } } } }', {}],
      deploymentDevices: ['{ deploymentDevices(deploymentName: "secret-deployment") { edges { node { deviceId } } } }', {}],
      validateApplicationManifest: [
        'query($m: ManifestPayloadInput!) { validateApplicationManifest(manifestPayload: $m) { valid graph } }',
        { m: { payloadData: JSON.stringify({ nodeGraph: { envelopeVersion: '2021-01-01', packages: [], nodes: [{ name: 'n', interface: 'string', value: 'x' }], edges: [] } }) } },
      ],
    },
    mutation: {
      updateDeviceMetadata: ['mutation($id: ID!) { updateDeviceMetadata(deviceId: $id, description: "pwned") { name } }', { id: a.deviceId }],
      tagResource: ['mutation($arn: String!) { tagResource(resourceArn: $arn, tags: [{key: "pwned"}]) { key } }', { arn: a.arn }],
      untagResource: ['mutation($arn: String!) { untagResource(resourceArn: $arn, tagKeys: ["site"]) { key } }', { arn: a.arn }],
      deleteDevice: ['mutation($id: ID!) { deleteDevice(deviceId: $id) { name } }', { id: a.deviceId }],
      provisionDevice: ['mutation { provisionDevice(input: {name: "secret-cam"}) { deviceId } }', {}],
      updateDeviceShadowDesired: ['mutation($id: ID!) { updateDeviceShadowDesired(deviceId: $id, shadowName: "system", desired: {pwned: true}) }', { id: a.deviceId }],
      createApiKey: ['mutation { createApiKey(input: {name: "x", role: ADMIN}) { secret } }', {}],
      createAccessKey: ['mutation { createAccessKey(input: {name: "x", role: ADMIN}) { accessKeyId } }', {}],
      revokeApiKey: ['mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: a.keyId }],
      registerSoftwareImage: ['mutation { registerSoftwareImage(input: {version: "9.9.9"}) { version } }', {}],
      createUploadUrl: ['mutation { createUploadUrl(version: "9.9.8") { url } }', {}],
      createJobForDevices: ['mutation($id: ID!) { createJobForDevices(input: {deviceIds: [$id], jobType: REBOOT}) { jobs { jobId } } }', { id: a.deviceId }],
      cancelDeviceJob: ['mutation($j: String!) { cancelDeviceJob(jobId: $j) { status } }', { j: a.jobId }],
      createRollout: [
        'mutation($id: ID!) { createRollout(input: {name: "r", jobType: REBOOT, target: {deviceIds: [$id]}, waves: {initialSize: 1}, dryRun: true}) { dryRun { targeted } } }',
        { id: a.deviceId },
      ],
      pauseRollout: ['mutation($r: ID!) { pauseRollout(id: $r) { status } }', { r: a.rolloutId }],
      resumeRollout: ['mutation($r: ID!) { resumeRollout(id: $r) { status } }', { r: a.rolloutId }],
      cancelRollout: ['mutation($r: ID!) { cancelRollout(id: $r) { status } }', { r: a.rolloutId }],
      createOrganization: ['mutation { createOrganization(name: "hostile") { adminApiKey } }', {}],
      suspendOrganization: ['mutation($o: ID!) { suspendOrganization(id: $o) { id } }', { o: a.organizationId }],
      resumeOrganization: ['mutation($o: ID!) { resumeOrganization(id: $o) { id } }', { o: a.organizationId }],
      createPackage: ['mutation { createPackage(name: "hostile") { packageId } }', {}],
      deletePackage: ['mutation($p: String!) { deletePackage(packageId: $p, forceDelete: true) { message } }', { p: a.packageId }],
      createPackageAssetUploadUrl: [`mutation($p: String!) { createPackageAssetUploadUrl(packageId: $p, sha256: "${'e'.repeat(64)}", sizeBytes: 10) { url } }`, { p: a.packageId }],
      registerPackageVersion: [`mutation($p: String!) { registerPackageVersion(input: {packageId: $p, packageVersion: "2.0", patchVersion: "${'e'.repeat(64)}"}) { status } }`, { p: a.packageId }],
      deregisterPackageVersion: [`mutation($p: String!) { deregisterPackageVersion(input: {packageId: $p, packageVersion: "1.0", patchVersion: "${'f'.repeat(64)}"}) { packageId } }`, { p: a.packageId }],
      createNodeFromTemplateJob: [
        'mutation { createNodeFromTemplateJob(input: {templateType: RTSP_CAMERA_STREAM, outputPackageName: "spy", outputPackageVersion: "1.0", nodeName: "spy", templateParameters: {username: "u", password: "p", streamUrl: "rtsp://10.0.0.9/x"}}) { jobId } }',
        {},
      ],
      createApplicationInstance: [
        'mutation($d: String!) { createApplicationInstance(input: {defaultRuntimeContextDevice: $d, manifestPayload: {payloadData: "{}"}}) { applicationInstanceId } }',
        { d: a.deviceId },
      ],
      removeApplicationInstance: ['mutation($i: String!) { removeApplicationInstance(applicationInstanceId: $i) { status } }', { i: a.applicationInstanceId }],
      signalApplicationInstanceNodeInstances: [
        'mutation($i: String!) { signalApplicationInstanceNodeInstances(applicationInstanceId: $i, nodeSignals: [{nodeInstanceId: "code_node", signal: PAUSE}]) { status } }',
        { i: a.applicationInstanceId },
      ],
      updateCameraCredentials: ['mutation($j: String!) { updateCameraCredentials(jobId: $j, credentials: {username: "evil", password: "evil"}) { jobId } }', { j: a.cameraJobId }],
      setApplicationInstanceSnapshots: ['mutation($i: String!) { setApplicationInstanceSnapshots(applicationInstanceId: $i, intervalSeconds: 5) { status } }', { i: a.applicationInstanceId }],
      openTunnel: ['mutation($d: ID!) { openTunnel(input: {deviceId: $d, services: ["SSH"]}) { sourceAccessToken } }', { d: a.deviceId }],
      closeTunnel: ['mutation($t: ID!) { closeTunnel(tunnelId: $t) { status } }', { t: a.tunnelId }],
      rotateTunnelAccessToken: ['mutation($t: ID!) { rotateTunnelAccessToken(tunnelId: $t, clientMode: ALL) { sourceAccessToken } }', { t: a.tunnelId }],
      createRoleAlias: ['mutation { createRoleAlias(input: {roleAlias: "secret-alias", policyDocument: "{\\"Statement\\": {\\"Effect\\": \\"Allow\\", \\"Action\\": \\"s3:*\\", \\"Resource\\": \\"*\\"}}"}) { roleAlias } }', {}],
      updateRoleAlias: ['mutation { updateRoleAlias(roleAlias: "secret-alias", input: {credentialDurationSeconds: 43200}) { roleAlias } }', {}],
      deleteRoleAlias: ['mutation { deleteRoleAlias(roleAlias: "secret-alias") { roleAlias } }', {}],
      setClipRetention: ['mutation { setClipRetention(days: 1) { days } }', {}],
      deleteClips: ['mutation($d: ID!) { deleteClips(deviceId: $d) }', { d: a.deviceId }],
      createThingGroup: ['mutation { createThingGroup(input: {thingGroupName: "hostile-group"}) { version } }', {}],
      updateThingGroup: ['mutation { updateThingGroup(thingGroupName: "secret-group", input: {description: "pwned"}) { version } }', {}],
      addThingToThingGroup: ['mutation($d: ID!) { addThingToThingGroup(thingGroupName: "secret-group", deviceId: $d) { version } }', { d: a.deviceId }],
      removeThingFromThingGroup: ['mutation($d: ID!) { removeThingFromThingGroup(thingGroupName: "secret-group", deviceId: $d) { version } }', { d: a.deviceId }],
      deleteThingGroup: ['mutation { deleteThingGroup(thingGroupName: "secret-group") { version } }', {}],
      createDeployment: ['mutation($m: String!) { createDeployment(input: {deploymentName: "hostile", thingGroupName: "secret-group", manifestPayload: {payloadData: $m}}) { id } }', { m: HDMI_ONLY }],
      reviseDeployment: ['mutation($m: String!) { reviseDeployment(deploymentName: "secret-deployment", input: {manifestPayload: {payloadData: $m}}) { id } }', { m: HDMI_ONLY }],
      cancelDeployment: ['mutation { cancelDeployment(deploymentName: "secret-deployment") { status } }', {}],
    },
  } as const satisfies Record<string, Record<string, readonly [string, Record<string, unknown>]>>;
}

describe('access control', () => {
  let api: RunningApi;
  let prisma: PrismaService;
  let a: TestOrganization;
  let b: TestOrganization;
  let target: Parameters<typeof operations>[0];
  let ops: ReturnType<typeof operations>;

  beforeAll(async () => {
    api = await startApi();
    prisma = api.app.get(PrismaService);
    [a, b] = [await newOrganization(api), await newOrganization(api)];
    const device = await seedDevice(api, a, { name: 'secret-cam', tags: [{ key: 'site', value: 'hq' }] });
    const { data } = await gql(api.url, a.adminKey, 'query($id: ID!) { device(deviceId: $id) { arn } }', { id: device.deviceId });
    const operator = await prisma.apiKey.create({
      data: { organizationId: a.organizationId, name: 'op', role: 'OPERATOR', prefix: 'x', hash: 'unused-' + device.deviceId },
    });
    // A's software image, job and rollout, written directly: B must neither see nor touch them.
    await prisma.softwareImage.create({ data: { organizationId: a.organizationId, version: '9.9.8' } });
    const job = await prisma.deviceJob.create({ data: { jobId: `${device.deviceId}-0`, organizationId: a.organizationId, deviceId: device.deviceId, jobType: 'REBOOT' } });
    const rollout = await prisma.rollout.create({ data: { organizationId: a.organizationId, name: 'secret-rollout', jobType: 'REBOOT', target: { deviceIds: [device.deviceId] }, waves: { initialSize: 1, growthFactor: 2 }, status: 'PAUSED' } });
    // A's package with a version, and a camera stream with its secret.
    const pkg = await prisma.package.create({ data: { packageId: newPackageId(), organizationId: a.organizationId, packageName: 'secret-pkg' } });
    await prisma.packageVersion.create({ data: { packageId: pkg.packageId, packageVersion: '1.0', patchVersion: 'f'.repeat(64), isLatestPatch: true, status: 'REGISTER_COMPLETED', descriptor: { nodePackage: { interfaces: [] } } } });
    const cameraJobId = newNodeFromTemplateJobId();
    const camera = await prisma.cameraStream.create({
      data: { jobId: cameraJobId, organizationId: a.organizationId, nodeName: 'secret-cam', outputPackageName: 'secret-cam', outputPackageVersion: '1.0', streamUrl: 'rtsp://10.0.0.1/x', secretId: `panorama-camera-${cameraJobId}` },
    });
    const instance = await prisma.applicationInstance.create({
      data: {
        applicationInstanceId: newApplicationInstanceId(),
        organizationId: a.organizationId,
        defaultRuntimeContextDevice: device.deviceId,
        manifestPayload: {},
        status: 'DEPLOYMENT_SUCCEEDED',
        nodeInstances: { create: { nodeInstanceId: 'code_node', nodeId: 'n', packageName: 'secret-pkg', packageVersion: '1.0', packagePatchVersion: 'f'.repeat(64), nodeName: 'interface' } },
      },
    });
    // A's role alias, and a clip of that device.
    await prisma.roleAlias.create({ data: { organizationId: a.organizationId, roleAlias: 'secret-alias', policyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: ['*'] }] }, credentialDurationSeconds: 3600 } });
    const clip = await prisma.clip.create({ data: { organizationId: a.organizationId, objectKey: `clips/${device.deviceId}/cam/1.mp4`, deviceId: device.deviceId, camera: 'cam', startedAt: new Date(), sha256: 'f'.repeat(64), sizeBytes: 1n, uploadedBy: 'thing:x' } });
    // A's static group of that device, and a deployment to it.
    const group = await prisma.thingGroup.create({ data: { organizationId: a.organizationId, name: 'secret-group', members: { create: { deviceId: device.deviceId } } } });
    const deploymentRollout = await prisma.rollout.create({ data: { organizationId: a.organizationId, name: 'deployment-secret-deployment-r1', jobType: 'DEPLOY_APPLICATION', target: {}, waves: { initialSize: 1, growthFactor: 2 }, status: 'COMPLETED' } });
    await prisma.deployment.create({
      data: { organizationId: a.organizationId, name: 'secret-deployment', groupId: group.id, applicationInstanceName: 'secret', revisions: { create: { revision: 1, manifestPayload: HDMI_ONLY, rolloutId: deploymentRollout.id, actor: 'apiKey:a' } } },
    });
    // A's open tunnel to that device.
    const tunnel = await prisma.tunnel.create({
      data: { tunnelId: randomUUID(), organizationId: a.organizationId, deviceId: device.deviceId, services: ['SSH'], timeoutMinutes: 60, openedBy: 'apiKey:a', expiresAt: new Date(Date.now() + 3_600_000), sourceTokenHash: `s-${device.deviceId}`, destinationTokenHash: `d-${device.deviceId}` },
    });
    const packageArn = `arn:aws:panorama:${api.config.REGION}:${(await prisma.organization.findUniqueOrThrow({ where: { id: a.organizationId } })).accountId}:package/${pkg.packageId}`;
    target = {
      deviceId: device.deviceId,
      arn: data!.device.arn,
      keyId: operator.id,
      jobId: job.jobId,
      rolloutId: rollout.id,
      organizationId: a.organizationId,
      packageId: pkg.packageId,
      packageArn,
      cameraJobId: camera.jobId,
      applicationInstanceId: instance.applicationInstanceId,
      tunnelId: tunnel.tunnelId,
      clipId: clip.id,
    };
    ops = operations(target);
  });
  afterAll(() => api.app.close());

  const snapshotOfA = async () => ({
    devices: await prisma.device.findMany({ where: { organizationId: a.organizationId } }),
    shadows: await prisma.shadow.findMany({ where: { device: { organizationId: a.organizationId } } }),
    // lastUsedAt is bookkeeping of reads, not a change.
    keys: await prisma.apiKey.findMany({ where: { organizationId: a.organizationId }, omit: { lastUsedAt: true } }),
    audit: await prisma.auditEvent.count({ where: { organizationId: a.organizationId } }),
    images: await prisma.softwareImage.findMany({ where: { organizationId: a.organizationId } }),
    jobs: await prisma.deviceJob.findMany({ where: { organizationId: a.organizationId } }),
    rollouts: await prisma.rollout.findMany({ where: { organizationId: a.organizationId } }),
    packages: await prisma.package.findMany({ where: { organizationId: a.organizationId }, include: { versions: true, assets: true } }),
    cameras: await prisma.cameraStream.findMany({ where: { organizationId: a.organizationId } }),
    secrets: await prisma.secret.findMany({ where: { organizationId: a.organizationId } }),
    applications: await prisma.applicationInstance.findMany({ where: { organizationId: a.organizationId }, include: { nodeInstances: true } }),
    tunnels: await prisma.tunnel.findMany({ where: { organizationId: a.organizationId } }),
    roleAliases: await prisma.roleAlias.findMany({ where: { organizationId: a.organizationId } }),
    clips: await prisma.clip.findMany({ where: { organizationId: a.organizationId } }),
    groups: await prisma.thingGroup.findMany({ where: { organizationId: a.organizationId }, include: { members: true } }),
    deployments: await prisma.deployment.findMany({ where: { organizationId: a.organizationId }, include: { revisions: true } }),
  });

  it('covers every query and mutation of the schema', async () => {
    const r = await gql(api.url, a.adminKey, '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }');
    expect(r.data!.__schema.queryType.fields.map((f: any) => f.name).sort()).toEqual(Object.keys(ops.query).sort());
    expect(r.data!.__schema.mutationType.fields.map((f: any) => f.name).sort()).toEqual(Object.keys(ops.mutation).sort());
  });

  it("never shows or changes another organization's data", async () => {
    const before = await snapshotOfA();
    const results: Record<string, unknown> = {};
    for (const [name, [query, variables]] of [...Object.entries(ops.query), ...Object.entries(ops.mutation)]) {
      const r = await gql(api.url, b.adminKey, query, variables);
      results[name] = codeOf(r) ?? r.data;
    }
    expect(results).toEqual({
      devices: { devices: { totalCount: 0, edges: [] } },
      fleetSummary: { fleetSummary: { total: 0, byAggregatedStatus: [], bySoftware: [] } },
      whoami: { whoami: { organizationId: b.organizationId, role: 'ADMIN' } },
      device: 'NOT_FOUND',
      apiKeys: { apiKeys: [expect.objectContaining({ id: b.admin.apiKeyId })] },
      auditEvents: { auditEvents: expect.any(Array) },
      deviceShadow: 'NOT_FOUND',
      updateDeviceShadowDesired: 'NOT_FOUND',
      updateDeviceMetadata: 'NOT_FOUND',
      tagResource: 'NOT_FOUND',
      untagResource: 'NOT_FOUND',
      deleteDevice: 'NOT_FOUND',
      createApiKey: expect.anything(), // creates a key in B, its own organization
      createAccessKey: expect.anything(), // the same, an access key
      provisionDevice: expect.anything(), // the same name is free in B: names are unique per organization
      revokeApiKey: 'NOT_FOUND',
      softwareImages: { softwareImages: [] },
      deviceJob: 'NOT_FOUND',
      devicesJobs: { devicesJobs: { edges: [] } },
      rollout: 'NOT_FOUND',
      rollouts: { rollouts: [] },
      registerSoftwareImage: expect.anything(), // in B, its own organization
      createUploadUrl: 'NOT_FOUND',
      createJobForDevices: 'NOT_FOUND',
      cancelDeviceJob: 'NOT_FOUND',
      createRollout: { createRollout: { dryRun: { targeted: 0 } } },
      pauseRollout: 'NOT_FOUND',
      resumeRollout: 'NOT_FOUND',
      cancelRollout: 'NOT_FOUND',
      // Installation administration: only the installation admin key, never an organization's.
      organizations: 'FORBIDDEN',
      createOrganization: 'FORBIDDEN',
      suspendOrganization: 'FORBIDDEN',
      resumeOrganization: 'FORBIDDEN',
      packages: { packages: { edges: [] } },
      package: 'NOT_FOUND',
      packageVersion: 'NOT_FOUND',
      nodes: { nodes: { edges: [] } },
      nodeFromTemplateJob: 'NOT_FOUND',
      nodeFromTemplateJobs: { nodeFromTemplateJobs: { edges: [] } },
      validateApplicationManifest: { validateApplicationManifest: { valid: true, graph: expect.anything() } },
      createPackage: expect.anything(), // in B, its own organization
      deletePackage: 'NOT_FOUND',
      createPackageAssetUploadUrl: 'NOT_FOUND',
      registerPackageVersion: 'NOT_FOUND',
      deregisterPackageVersion: 'NOT_FOUND',
      createNodeFromTemplateJob: expect.anything(), // in B
      updateCameraCredentials: 'NOT_FOUND',
      applicationInstances: { applicationInstances: { edges: [] } },
      applicationInstance: 'NOT_FOUND',
      applicationInstanceDependencies: 'NOT_FOUND',
      applicationInstanceNodeInstances: 'NOT_FOUND',
      applicationInstanceLogs: 'NOT_FOUND',
      applicationInstanceLastFrame: 'NOT_FOUND',
      setApplicationInstanceSnapshots: 'NOT_FOUND',
      deviceLogs: 'NOT_FOUND',
      createApplicationInstance: 'NOT_FOUND',
      removeApplicationInstance: 'NOT_FOUND',
      signalApplicationInstanceNodeInstances: 'NOT_FOUND',
      tunnel: 'NOT_FOUND',
      tunnels: { tunnels: { edges: [] } },
      openTunnel: 'NOT_FOUND',
      closeTunnel: 'NOT_FOUND',
      rotateTunnelAccessToken: 'NOT_FOUND',
      roleAlias: 'NOT_FOUND',
      roleAliases: { roleAliases: { edges: [] } },
      clips: { clips: { edges: [] } },
      clip: 'NOT_FOUND',
      clipRetention: { clipRetention: { days: 30, clips: 0 } },
      setClipRetention: { setClipRetention: { days: 1 } }, // B's own
      deleteClips: 'NOT_FOUND',
      // B's own alias of that name: A's is untouched (the snapshot below says so).
      createRoleAlias: { createRoleAlias: { roleAlias: 'secret-alias' } },
      updateRoleAlias: { updateRoleAlias: { roleAlias: 'secret-alias' } },
      deleteRoleAlias: { deleteRoleAlias: { roleAlias: 'secret-alias' } },
      thingGroup: 'NOT_FOUND',
      thingGroups: { thingGroups: { edges: [] } },
      thingGroupMembers: 'NOT_FOUND',
      thingGroupsOfDevice: { thingGroupsOfDevice: [] },
      deployment: 'NOT_FOUND',
      deployments: { deployments: { edges: [] } },
      deploymentDevices: 'NOT_FOUND',
      createThingGroup: { createThingGroup: { version: 1 } }, // B's own
      updateThingGroup: 'NOT_FOUND',
      addThingToThingGroup: 'NOT_FOUND',
      removeThingFromThingGroup: 'NOT_FOUND',
      deleteThingGroup: 'NOT_FOUND',
      createDeployment: 'NOT_FOUND', // A's group is not B's to target
      reviseDeployment: 'NOT_FOUND',
      cancelDeployment: 'NOT_FOUND',
    });
    // A package's ARN of A names nothing for B either.
    expect(codeOf(await gql(api.url, b.adminKey, 'mutation($arn: String!) { tagResource(resourceArn: $arn, tags: [{key: "pwned"}]) { key } }', { arn: target.packageArn }))).toBe('NOT_FOUND');
    // A manifest naming A's package by A's account id: not registered, as far as B knows.
    const probe = JSON.stringify({ nodeGraph: { envelopeVersion: '2021-01-01', packages: [{ name: `${target.packageArn.split(':')[4]}::secret-pkg`, version: '1.0' }], nodes: [{ name: 'n', interface: `${target.packageArn.split(':')[4]}::secret-pkg.interface` }], edges: [] } });
    const seen = await gql(api.url, b.adminKey, 'query($m: ManifestPayloadInput!) { validateApplicationManifest(manifestPayload: $m) { valid problems { message } } }', { m: { payloadData: probe } });
    expect(seen.data!.validateApplicationManifest.problems[0].message).toContain('is not registered in your organization');
    const bAudit = await gql(api.url, b.adminKey, '{ auditEvents(first: 200) { targetId } }');
    expect(bAudit.data!.auditEvents.map((e: any) => e.targetId)).not.toContain(target.deviceId);
    expect(await snapshotOfA()).toEqual(before);
  });

  it('lets a VIEWER read but never change anything', async () => {
    const viewer = await newKey(api, a, 'VIEWER');
    const before = await snapshotOfA();
    for (const [name, [query, variables]] of Object.entries(ops.mutation)) {
      const r = await gql(api.url, viewer, query, variables);
      expect([name, codeOf(r)]).toEqual([name, 'FORBIDDEN']);
    }
    expect(codeOf(await gql(api.url, viewer, ...ops.query.device))).toBeUndefined();
    expect(codeOf(await gql(api.url, viewer, ...ops.query.devices))).toBeUndefined();
    expect((await gql(api.url, viewer, ...ops.query.whoami)).data).toEqual({ whoami: { organizationId: a.organizationId, role: 'VIEWER' } });
    expect((await gql(api.url, viewer, ...ops.query.fleetSummary)).data!.fleetSummary.total).toBeGreaterThan(0);
    expect(codeOf(await gql(api.url, viewer, ...ops.query.apiKeys))).toBe('FORBIDDEN');
    expect(codeOf(await gql(api.url, viewer, ...ops.query.auditEvents))).toBe('FORBIDDEN');
    expect(await snapshotOfA()).toEqual(before);
  });

  it('lets an OPERATOR change the fleet but not manage keys', async () => {
    const operator = await newKey(api, a, 'OPERATOR');
    expect(codeOf(await gql(api.url, operator, ...ops.mutation.updateDeviceMetadata))).toBeUndefined();
    expect(codeOf(await gql(api.url, operator, ...ops.mutation.createApiKey))).toBe('FORBIDDEN');
    expect(codeOf(await gql(api.url, operator, ...ops.mutation.revokeApiKey))).toBe('FORBIDDEN');
  });

  /** Every operation of the Panorama model, aimed at A's resources; the writes the probe made with a VIEWER key have real input. */
  const restCalls = () =>
    OPERATIONS.map((op) => {
      const params: Record<string, string> = {
        DeviceId: target.deviceId,
        PackageId: target.packageId,
        ApplicationInstanceId: target.applicationInstanceId,
        JobId: op.requestUri.startsWith('/packages/') ? target.cameraJobId : target.jobId,
        PackageVersion: '1.0',
        PatchVersion: 'f'.repeat(64),
        NodeId: 'node-x',
        ResourceArn: encodeURIComponent(target.packageArn),
      };
      const path = op.requestUri.replace(/\{(\w+)\+?\}/g, (_, name: string) => params[name]);
      const bodies: Record<string, object> = {
        CreatePackage: { PackageName: 'viewer-made' },
        CreateApplicationInstance: { Name: 'viewer-app', DefaultRuntimeContextDevice: target.deviceId, ManifestPayload: { PayloadData: '{}' } },
        DeletePackage: {},
        ProvisionDevice: { Name: 'viewer-cam' },
        TagResource: { Tags: { pwned: 'yes' } },
      };
      return { op, path: op.name === 'DeletePackage' ? `${path}?ForceDelete=true` : op.name === 'UntagResource' ? `${path}?tagKeys=site` : path, body: op.method === 'GET' ? undefined : (bodies[op.name] ?? {}) };
    });

  it('refuses every write of the Panorama REST API to a VIEWER access key, and lets it read', async () => {
    const viewer = await createAccessKey(api, a, 'VIEWER');
    const before = await snapshotOfA();
    const outcomes: Record<string, string> = {};
    for (const { op, path, body } of restCalls()) {
      const r = await signedCall(api, viewer, op.method, path, body);
      outcomes[op.name] = r.status === 403 ? `403 ${r.type}` : 'not refused';
      if (r.status === 403) expect(r.body.Message).toMatch(/VIEWER key can only read/);
    }
    expect(outcomes).toEqual(Object.fromEntries(OPERATIONS.map((op) => [op.name, op.method === 'GET' ? 'not refused' : '403 AccessDeniedException'])));
    // CloudWatch Logs' operations only read.
    expect((await signedCall(api, viewer, 'POST', '/', { logGroupName: `/aws/panorama/devices/${target.deviceId}`, logStreamName: 'syslog' }, 'logs')).status).toBe(200);
    expect(await snapshotOfA()).toEqual(before);
  });

  it('lets an OPERATOR access key make the writes a VIEWER may not', async () => {
    const operator = await createAccessKey(api, a, 'OPERATOR');
    const created = await signedCall(api, operator, 'POST', '/packages', { PackageName: 'operator-made' });
    expect(created).toMatchObject({ status: 200, body: { PackageId: expect.stringMatching(/^package-/) } });
    expect((await signedCall(api, operator, 'DELETE', `/packages/${created.body.PackageId}?ForceDelete=true`, {})).status).toBe(200);
    const refusals = [];
    for (const { op, path, body } of restCalls().filter((c) => c.op.method !== 'GET')) {
      const r = await signedCall(api, operator, op.method, path, body);
      if (r.status === 403) refusals.push(`${op.name}: ${r.body.Message}`);
    }
    expect(refusals).toEqual([]);
  });

  it('refuses requests without a valid key with 401', async () => {
    for (const key of [undefined, 'efk_not-a-real-key']) {
      const r = await gql(api.url, key, '{ devices(first: 1) { totalCount } }');
      expect([r.status, codeOf(r), r.data]).toEqual([401, 'UNAUTHENTICATED', null]);
    }
  });
});

describe('API keys', () => {
  let api: RunningApi;
  let org: TestOrganization;

  beforeAll(async () => {
    api = await startApi();
    org = await newOrganization(api);
  });
  afterAll(() => api.app.close());

  it('shows a new key once, stores only its hash, and revokes it at once', async () => {
    const created = await gql(api.url, org.adminKey, 'mutation { createApiKey(input: {name: "ci", role: OPERATOR}) { secret apiKey { id role prefix revokedAt } } }');
    const { secret, apiKey } = created.data!.createApiKey;
    expect(secret).toMatch(/^efk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ role: 'OPERATOR', prefix: secret.slice(0, 12), revokedAt: null });
    const row = await api.app.get(PrismaService).apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);

    expect(codeOf(await gql(api.url, secret, '{ devices(first: 1) { totalCount } }'))).toBeUndefined();
    const revoked = await gql(api.url, org.adminKey, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: apiKey.id });
    expect(revoked.data!.revokeApiKey.revokedAt).toEqual(expect.any(String));
    expect(codeOf(await gql(api.url, secret, '{ devices(first: 1) { totalCount } }'))).toBe('UNAUTHENTICATED');
    const again = await gql(api.url, org.adminKey, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: apiKey.id });
    expect(codeOf(again)).toBe('CONFLICT');
  });

  it('keeps the organization administrable: the last ADMIN key cannot be revoked', async () => {
    const r = await gql(api.url, org.adminKey, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: org.admin.apiKeyId });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors![0].message).toMatch(/last ADMIN key/);
  });

  it('refuses bad key input', async () => {
    const r = await gql(api.url, org.adminKey, 'mutation { createApiKey(input: {name: "", role: ADMIN}) { secret } }');
    expect(codeOf(r)).toBe('VALIDATION_FAILED');
    const role = await gql(api.url, org.adminKey, 'mutation { createApiKey(input: {name: "x", role: ROOT}) { secret } }');
    expect(codeOf(role)).toBe('VALIDATION_FAILED');
  });
});

describe('rate limits', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.app.close());

  it("applies Panorama's rates as token buckets: a burst at once, then the rate, each refusal saying when to retry", async () => {
    const org = await newOrganization(api, { requestsPerSecond: 5, requestBurst: 5, mutationsPerSecond: 1, mutationBurst: 1 });
    const device = await seedDevice(api, org);
    const reads = await Promise.all(Array.from({ length: 7 }, () => gql(api.url, org.adminKey, '{ devices(first: 1) { totalCount } }')));
    expect(reads.map(codeOf).filter((c) => c === undefined)).toHaveLength(5);
    const refused = reads.find((r) => codeOf(r) === 'RATE_LIMITED')!;
    expect(refused.status).toBe(429);
    const { retryAfterMs } = refused.errors![0].extensions as { retryAfterMs: number };
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(200); // one token at 5 per second
    await new Promise((r) => setTimeout(r, retryAfterMs + 20));
    expect(codeOf(await gql(api.url, org.adminKey, '{ devices(first: 1) { totalCount } }'))).toBeUndefined();

    await new Promise((r) => setTimeout(r, 1000)); // the request bucket full again
    const mutation = 'mutation($id: ID!) { updateDeviceMetadata(deviceId: $id, description: "x") { name } }';
    const writes = await Promise.all([1, 2].map(() => gql(api.url, org.adminKey, mutation, { id: device.deviceId })));
    expect(writes.map(codeOf).sort()).toEqual(['RATE_LIMITED', undefined]);
    expect(writes.find((w) => codeOf(w))!.errors![0].extensions).toMatchObject({ reason: 'MUTATION_RATE_EXCEEDED', limit: 1, burst: 1, retryAfterMs: expect.any(Number) });
  });

  it('lets a fresh key make a burst of requests and mutations by default (the CLI uploads and registers a package in a second)', async () => {
    const org = await newOrganization(api, { requestsPerSecond: 5, mutationsPerSecond: 1, requestBurst: 10, mutationBurst: 5 });
    const device = await seedDevice(api, org);
    const mutation = 'mutation($id: ID!) { updateDeviceMetadata(deviceId: $id, description: "x") { name } }';
    const writes = await Promise.all(Array.from({ length: 5 }, () => gql(api.url, org.adminKey, mutation, { id: device.deviceId })));
    expect(writes.map(codeOf)).toEqual(Array(5).fill(undefined));
    const reads = await Promise.all(Array.from({ length: 5 }, () => gql(api.url, org.adminKey, '{ devices(first: 1) { totalCount } }')));
    expect(reads.map(codeOf)).toEqual(Array(5).fill(undefined));
  });

  it('says when to retry over REST too (Retry-After), and the typed client waits and retries by itself', async () => {
    const org = await newOrganization(api, { requestsPerSecond: 1, requestBurst: 1 });
    const key = await createAccessKey(api, org, 'VIEWER');
    const [first, second] = [await signedCall(api, key, 'GET', '/devices'), await signedCall(api, key, 'GET', '/devices')];
    expect([first.status, second.status, second.type, second.retryAfter]).toEqual([200, 429, 'ThrottlingException', '1']);
    const bearer = await newKey(api, org, 'VIEWER');
    const client = new GraphqlClient(api.url, bearer);
    const answers = await Promise.all(Array.from({ length: 3 }, () => client.request('{ devices(first: 1) { totalCount } }')));
    expect(answers.map(codeOf)).toEqual([undefined, undefined, undefined]);
  });

  it('counts each key on its own', async () => {
    const org = await newOrganization(api, { requestsPerSecond: 1, requestBurst: 1 });
    const other = await newKey(api, org, 'VIEWER');
    const [first, second] = await Promise.all([org.adminKey, other].map((k) => gql(api.url, k, '{ devices(first: 1) { totalCount } }')));
    expect([codeOf(first), codeOf(second)]).toEqual([undefined, undefined]);
  });
});

describe('revocation and suspension, across api processes', () => {
  let apis: RunningApi[];
  let org: TestOrganization;

  beforeAll(async () => {
    const first = await startApi();
    // A second api process of the same installation (same database and Redis prefix), as behind a load balancer.
    apis = [first, await startApi({ REDIS_PREFIX: first.config.REDIS_PREFIX })];
    org = await newOrganization(first);
  });
  afterAll(() => Promise.all(apis.map((api) => api.app.close())));

  const devicesWith = (api: RunningApi, key: string) => gql(api.url, key, '{ devices(first: 1) { totalCount } }').then(codeOf);

  it('refuses a revoked API key and a revoked access key at once on every api process', async () => {
    const [one, two] = apis;
    const bearer = dataOf(await gql(one.url, org.adminKey, 'mutation { createApiKey(input: {name: "soon-revoked", role: OPERATOR}) { secret apiKey { id } } }')).createApiKey;
    const access = dataOf(await gql(one.url, org.adminKey, 'mutation { createAccessKey(input: {name: "soon-revoked", role: OPERATOR}) { accessKeyId secretAccessKey apiKey { id } } }')).createAccessKey;
    // Both keys are in the second process's caches.
    expect(await devicesWith(two, bearer.secret)).toBeUndefined();
    expect((await signedCall(two, access, 'GET', '/devices')).status).toBe(200);

    for (const id of [bearer.apiKey.id, access.apiKey.id]) expect(codeOf(await gql(one.url, org.adminKey, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id }))).toBeUndefined();
    expect(await devicesWith(two, bearer.secret)).toBe('UNAUTHENTICATED');
    expect(await signedCall(two, access, 'GET', '/devices')).toMatchObject({ status: 403, type: 'AccessDeniedException' });
  });

  it('refuses the keys of an organization suspended on another process at once, and takes them back on resumption', async () => {
    const [one, two] = apis;
    const suspended = await newOrganization(one);
    const access = await createAccessKey(one, suspended, 'VIEWER');
    expect(await devicesWith(two, suspended.adminKey)).toBeUndefined();
    expect((await signedCall(two, access, 'GET', '/devices')).status).toBe(200);

    const orgs = one.app.get(InstallationService);
    await orgs.setSuspended(suspended.organizationId, true, 'test');
    expect(await devicesWith(two, suspended.adminKey)).toBe('FORBIDDEN');
    expect(await signedCall(two, access, 'GET', '/devices')).toMatchObject({ status: 403, body: { Message: expect.stringMatching(/suspended/) } });
    await orgs.setSuspended(suspended.organizationId, false, 'test');
    expect(await devicesWith(two, suspended.adminKey)).toBeUndefined();
  });
});
