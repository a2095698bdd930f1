import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import {
  AccessDeniedException,
  ConflictException,
  CreatePackageCommand,
  DeregisterPackageVersionCommand,
  DescribeDeviceCommand,
  DescribePackageCommand,
  InternalServerException,
  ListDevicesCommand,
  ListPackagesCommand,
  ListTagsForResourceCommand,
  PanoramaClient,
  ProvisionDeviceCommand,
  RegisterPackageVersionCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-panorama';
import { PrismaService } from '@edgefleet/db';
import { SoftwareImageService } from '@edgefleet/jobs';
import { dataOf, freePort, gql, newOrganization, seedDevice, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

const run = promisify(execFile);
const FIXTURES = path.resolve(__dirname, '../../../../e2e/fixtures/panorama');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const REGION = 'us-west-2';

/** The Panorama API driven by two clients no one here wrote: aws-cli 1.x (botocore's model) and @aws-sdk/client-panorama. */
describe('the Panorama API (restJson1, SigV4) under /panorama', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let keys: { accessKeyId: string; secretAccessKey: string; apiKey: { id: string } };
  let env: NodeJS.ProcessEnv;
  let sdk: PanoramaClient;

  /** `aws <args>` as a user runs it, endpoint and credentials from the environment; JSON out, or the CLI's error text. */
  async function aws(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ ok: true; out: any } | { ok: false; err: string }> {
    try {
      const { stdout } = await run('aws', [...args, '--output', 'json'], { env: { ...env, ...extraEnv } });
      return { ok: true, out: stdout.trim() ? JSON.parse(stdout) : {} };
    } catch (e) {
      return { ok: false, err: String((e as { stderr?: string }).stderr ?? e) };
    }
  }
  const ok = async (args: string[]) => {
    const r = await aws(args);
    if (!r.ok) throw new Error(`aws ${args.join(' ')} failed: ${r.err}`);
    return r.out;
  };

  beforeAll(async () => {
    api = await startApi({ API_PORT: String(await freePort()), EDGEFLEET_REGION: REGION });
    org = await newOrganization(api);
    keys = dataOf(await gql(api.url, org.adminKey, 'mutation { createAccessKey(input: {name: "scripts", role: ADMIN}) { accessKeyId secretAccessKey apiKey { id } } }')).createAccessKey;
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_DEFAULT_REGION: REGION,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_ENDPOINT_URL_PANORAMA: `${api.url}/panorama`,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: `${api.url}/logs`,
    };
    sdk = new PanoramaClient({ endpoint: `${api.url}/panorama`, region: REGION, credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey } });
  });
  afterAll(async () => {
    sdk?.destroy();
    await api?.app.close();
  });

  /** A package's file through EdgeFleet's signed upload URL (what panorama-cli's S3 upload becomes). */
  async function upload(packageId: string, content: string | Buffer) {
    const body = Buffer.from(content);
    const r = dataOf(await gql(api.url, org.adminKey, 'mutation($p: String!, $s: String!, $n: Float!) { createPackageAssetUploadUrl(packageId: $p, sha256: $s, sizeBytes: $n) { url alreadyUploaded } }', { p: packageId, s: sha256(body), n: body.length })).createPackageAssetUploadUrl;
    if (!r.alreadyUploaded) expect((await fetch(r.url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body })).status).toBe(200);
    return sha256(body);
  }
  const sdkError = (p: Promise<unknown>) => p.then(() => undefined, (e) => e);

  it('keeps the access key secret in the secret store, never in the key row', async () => {
    const row = await api.app.get(PrismaService).apiKey.findUniqueOrThrow({ where: { id: keys.apiKey.id } });
    expect(row.accessKeyId).toBe(keys.accessKeyId);
    expect(JSON.stringify(row)).not.toContain(keys.secretAccessKey);
    expect(keys.accessKeyId).toMatch(/^EFAK[A-Z2-7]{16}$/);
  });

  it('provisions, lists and describes devices with aws-cli and the SDK', async () => {
    const provisioned = await ok(['panorama', 'provision-device', '--name', 'lobby-cam', '--description', 'lobby']);
    expect(provisioned).toMatchObject({ Status: 'AWAITING_PROVISIONING', DeviceId: expect.stringMatching(/^device-/), Arn: expect.stringMatching(new RegExp(`^arn:aws:panorama:${REGION}:\\d{12}:device/device-`)) });
    expect(Buffer.from(provisioned.Certificates, 'base64').subarray(0, 2).toString()).toBe('PK');
    const listed = await ok(['panorama', 'list-devices']);
    expect(listed.Devices.map((d: any) => d.Name)).toContain('lobby-cam');
    const described = await sdk.send(new DescribeDeviceCommand({ DeviceId: provisioned.DeviceId }));
    expect(described).toMatchObject({ DeviceId: provisioned.DeviceId, Name: 'lobby-cam', Description: 'lobby', ProvisioningStatus: 'AWAITING_PROVISIONING', CreatedTime: expect.any(Date) });
    expect(Math.abs(described.CreatedTime!.getTime() - Date.now())).toBeLessThan(60_000);
    const page = await sdk.send(new ListDevicesCommand({ MaxResults: 1 }));
    expect(page.Devices).toHaveLength(1);

    // The guide's advanced network settings (static IP, DNS, NTP) round-trip through provision-device and describe-device.
    const networking = { Ethernet0: { ConnectionType: 'STATIC_IP', StaticIpConnectionInfo: { IpAddress: '192.168.0.10', Mask: '255.255.255.0', DefaultGateway: '192.168.0.1', Dns: ['192.168.0.1', '1.1.1.1'] } }, Ethernet1: { ConnectionType: 'DHCP' }, Ntp: { NtpServers: ['pool.ntp.org'] } };
    const staticCam = await ok(['panorama', 'provision-device', '--name', 'static-cam', '--networking-configuration', JSON.stringify(networking)]);
    expect((await ok(['panorama', 'describe-device', '--device-id', staticCam.DeviceId])).NetworkingConfiguration).toEqual(networking);
    const bad = await aws(['panorama', 'provision-device', '--name', 'bad-net', '--networking-configuration', JSON.stringify({ Ethernet0: { ConnectionType: 'STATIC_IP' } })]);
    expect(bad).toMatchObject({ ok: false, err: expect.stringMatching(/ValidationException.*staticIpConnectionInfo is required/) });
  });

  it('answers with the model errors: ValidationException, ResourceNotFoundException, AccessDeniedException', async () => {
    await expect(sdk.send(new ProvisionDeviceCommand({ Name: 'bad name!' }))).rejects.toBeInstanceOf(ValidationException);
    const missing = await sdk.send(new DescribeDeviceCommand({ DeviceId: 'device-aaaaaaaaaaaaaaaaaaaaaaaaaa' })).catch((e) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing).toMatchObject({ ResourceId: 'device-aaaaaaaaaaaaaaaaaaaaaaaaaa', ResourceType: 'device', $metadata: { httpStatusCode: 404 } });
    const wrongSecret = new PanoramaClient({ endpoint: `${api.url}/panorama`, region: REGION, credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: 'x'.repeat(40) } });
    const denied = await wrongSecret.send(new ListDevicesCommand({})).catch((e) => e);
    wrongSecret.destroy();
    expect(denied).toBeInstanceOf(AccessDeniedException);
    expect(denied.message).toMatch(/signature we calculated does not match/);
    const cli = await aws(['panorama', 'describe-device', '--device-id', 'nope!']);
    expect(cli).toMatchObject({ ok: false, err: expect.stringMatching(/ValidationException.*DeviceId/) });
  });

  it('runs the guide: REBOOT and OTA jobs, describe-device-job, list-devices-jobs, metadata, tags, delete', async () => {
    const prisma = api.app.get(PrismaService);
    const device = await seedDevice(api, org, { name: 'dock-cam' });
    await prisma.device.update({ where: { deviceId: device.deviceId }, data: { provisioningStatus: 'SUCCEEDED', currentSoftware: '4.3.45' } });
    const images = api.app.get(SoftwareImageService);
    const image = await images.register(org.admin, { version: '4.3.55' });
    await images.receiveUpload(image.id, Readable.from([Buffer.from('image 4.3.55')]));

    const reboot = await ok(['panorama', 'create-job-for-devices', '--device-ids', device.deviceId, '--job-type', 'REBOOT']);
    expect(reboot.Jobs).toEqual([{ DeviceId: device.deviceId, JobId: expect.any(String) }]);
    const ota = await ok(['panorama', 'create-job-for-devices', '--device-ids', device.deviceId, '--job-type', 'OTA', '--device-job-config', '{"OTAJobConfig": {"ImageVersion": "4.3.55"}}']);
    const conflict = await aws(['panorama', 'create-job-for-devices', '--device-ids', device.deviceId, '--job-type', 'OTA', '--device-job-config', '{"OTAJobConfig": {"ImageVersion": "4.3.55"}}']);
    expect(conflict).toMatchObject({ ok: false, err: expect.stringMatching(/ConflictException/) });
    const described = await ok(['panorama', 'describe-device-job', '--job-id', ota.Jobs[0].JobId]);
    expect(described).toMatchObject({ JobId: ota.Jobs[0].JobId, DeviceId: device.deviceId, DeviceName: 'dock-cam', JobType: 'OTA', ImageVersion: '4.3.55', Status: 'PENDING', DeviceArn: expect.stringMatching(/^arn:aws:panorama:/), CreatedTime: expect.any(Number) });
    const jobs = await ok(['panorama', 'list-devices-jobs', '--device-id', device.deviceId]);
    expect(jobs.DeviceJobs.map((j: any) => j.JobType).sort()).toEqual(['OTA', 'REBOOT']);

    expect(await ok(['panorama', 'update-device-metadata', '--device-id', device.deviceId, '--description', 'dock 4'])).toEqual({ DeviceId: device.deviceId });
    const arn = (await ok(['panorama', 'describe-device', '--device-id', device.deviceId])).Arn;
    await ok(['panorama', 'tag-resource', '--resource-arn', arn, '--tags', 'site=hq,floor=2']);
    await sdk.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['floor'] }));
    expect((await sdk.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual({ site: 'hq' });
    expect(await ok(['panorama', 'list-tags-for-resource', '--resource-arn', arn])).toEqual({ Tags: { site: 'hq' } });

    const doomed = await seedDevice(api, org, { name: 'old-cam' });
    expect(await ok(['panorama', 'delete-device', '--device-id', doomed.deviceId])).toEqual({ DeviceId: doomed.deviceId });
  });

  it('creates camera streams with the guide\'s template parameters, packages, import jobs, nodes and versions', async () => {
    const params = JSON.stringify({ Username: 'admin', Password: 'my-password', StreamUrl: 'rtsp://192.168.0.77/live' });
    const job = await ok(['panorama', 'create-node-from-template-job', '--template-type', 'RTSP_CAMERA_STREAM', '--output-package-name', 'lobby-camera', '--output-package-version', '1.0', '--node-name', 'lobby-camera', '--template-parameters', params]);
    const camera = await ok(['panorama', 'describe-node-from-template-job', '--job-id', job.JobId]);
    expect(camera).toMatchObject({ JobId: job.JobId, TemplateType: 'RTSP_CAMERA_STREAM', NodeName: 'lobby-camera', OutputPackageVersion: '1.0', TemplateParameters: { StreamUrl: 'rtsp://192.168.0.77/live', Password: 'SAVED_AS_SECRET' } });
    expect(JSON.stringify(camera)).not.toContain('my-password');
    expect((await ok(['panorama', 'list-node-from-template-jobs'])).NodeFromTemplateJobs.map((j: any) => j.JobId)).toContain(job.JobId);

    const created = await ok(['panorama', 'create-package', '--package-name', 'SAMPLE_CODE']);
    expect(created).toMatchObject({ PackageId: expect.stringMatching(/^package-/), Arn: expect.stringMatching(/:package\/package-/), StorageLocation: { Bucket: 'edgefleet-packages', ManifestPrefixLocation: `packages/${created.PackageId}/manifests` } });
    expect(await sdkError(sdk.send(new CreatePackageCommand({ PackageName: 'SAMPLE_CODE' })))).toBeInstanceOf(ConflictException);
    const account = (await api.app.get(PrismaService).organization.findUniqueOrThrow({ where: { id: org.organizationId } })).accountId;
    const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8').replaceAll('123456789012', account);
    const code = await upload(created.PackageId, `code archive ${Math.random()}`);
    const descriptor = await upload(created.PackageId, fixture('SAMPLE_CODE.descriptor.json'));
    const manifest = fixture('SAMPLE_CODE.package.json').replace('<code_asset>', code).replace('<code_descriptor>', descriptor);
    const patch = await upload(created.PackageId, manifest);

    const importInput = (key: string, token: string) => ['panorama', 'create-package-import-job', '--job-type', 'NODE_PACKAGE_VERSION', '--client-token', token,
      '--input-config', JSON.stringify({ PackageVersionInputConfig: { S3Location: { BucketName: 'edgefleet-packages', ObjectKey: key } } }),
      '--output-config', JSON.stringify({ PackageVersionOutputConfig: { PackageName: 'SAMPLE_CODE', PackageVersion: '1.0', MarkLatest: true } })];
    const imported = await ok(importInput(`packages/${created.PackageId}/manifests/${patch}.json`, 'import-1'));
    expect(await ok(importInput(`packages/${created.PackageId}/manifests/${patch}.json`, 'import-1'))).toEqual(imported); // same token, same job
    expect(await ok(['panorama', 'describe-package-import-job', '--job-id', imported.JobId])).toMatchObject({ Status: 'SUCCEEDED', Output: { PackageId: created.PackageId, PackageVersion: '1.0', PatchVersion: patch } });
    const failed = await ok(importInput(`packages/${created.PackageId}/manifests/${'0'.repeat(64)}.json`, 'import-2'));
    expect(await ok(['panorama', 'describe-package-import-job', '--job-id', failed.JobId])).toMatchObject({ Status: 'FAILED', StatusMessage: expect.any(String) });
    expect((await ok(['panorama', 'list-package-import-jobs'])).PackageImportJobs.map((j: any) => j.JobId).sort()).toEqual([imported.JobId, failed.JobId].sort());

    expect(await ok(['panorama', 'describe-package-version', '--package-id', created.PackageId, '--package-version', '1.0'])).toMatchObject({ PackageName: 'SAMPLE_CODE', PatchVersion: patch, IsLatestPatch: true, Status: 'REGISTER_COMPLETED' });
    await sdk.send(new RegisterPackageVersionCommand({ PackageId: created.PackageId, PackageVersion: '1.0', PatchVersion: patch, MarkLatest: true }));
    const nodes = await ok(['panorama', 'list-nodes', '--package-name', 'SAMPLE_CODE']);
    expect(nodes.Nodes).toEqual([expect.objectContaining({ Name: 'interface', Category: 'BUSINESS_LOGIC', PackageName: 'SAMPLE_CODE', PatchVersion: patch, OwnerAccount: account })]);
    const node = await ok(['panorama', 'describe-node', '--node-id', nodes.Nodes[0].NodeId]);
    expect(node.NodeInterface.Inputs).toEqual(expect.arrayContaining([expect.objectContaining({ Name: 'video_in', Type: 'MEDIA' })]));
    expect((await sdk.send(new ListPackagesCommand({}))).Packages!.map((p) => p.PackageName)).toEqual(['SAMPLE_CODE']) // the camera's package comes when the worker runs its job;
    expect((await sdk.send(new DescribePackageCommand({ PackageId: created.PackageId }))).Tags).toEqual({});
    await sdk.send(new DeregisterPackageVersionCommand({ PackageId: created.PackageId, PackageVersion: '1.0', PatchVersion: patch }));
    expect(await aws(['panorama', 'describe-package-version', '--package-id', created.PackageId, '--package-version', '1.0'])).toMatchObject({ ok: false, err: expect.stringMatching(/ResourceNotFoundException/) });
    expect(await ok(['panorama', 'delete-package', '--package-id', created.PackageId, '--force-delete'])).toEqual({});
  });

  it('deploys with --manifest-payload built by jq, lists by --device-id, signals PAUSE, removes; reads logs with aws logs', async () => {
    const prisma = api.app.get(PrismaService);
    const device = await seedDevice(api, org, { name: 'apps-cam' });
    await prisma.device.update({ where: { deviceId: device.deviceId }, data: { provisioningStatus: 'SUCCEEDED' } });
    const graph = JSON.stringify({ nodeGraph: { envelopeVersion: '2021-01-01', packages: [{ name: 'panorama::abstract_rtsp_media_source', version: '1.0' }, { name: 'panorama::hdmi_data_sink', version: '1.0' }], nodes: [{ name: 'camera_node', interface: 'panorama::abstract_rtsp_media_source.rtsp_v1_interface', overridable: true, launch: 'onAppStart' }, { name: 'output_node', interface: 'panorama::hdmi_data_sink.hdmi0' }], edges: [{ producer: 'camera_node.video_out', consumer: 'output_node.video_in' }] } });
    // The guide: MANIFEST="$(jq -c . graph.json | jq -sR '{"PayloadData":.}')"
    const jq = async (input: string) => (await run('sh', ['-c', `printf '%s' "$0" | jq -c . | jq -sR '{"PayloadData":.}'`, input])).stdout.trim();
    const created = await ok(['panorama', 'create-application-instance', '--name', 'lobby-app', '--default-runtime-context-device', device.deviceId, '--manifest-payload', await jq(graph), '--manifest-overrides-payload', await jq(JSON.stringify({ nodeGraphOverrides: { envelopeVersion: '2021-01-01', packages: [], nodes: [], nodeOverrides: [] } }))]);
    const id = created.ApplicationInstanceId;
    const listed = await ok(['panorama', 'list-application-instances', '--device-id', device.deviceId]);
    expect(listed.ApplicationInstances).toEqual([expect.objectContaining({ ApplicationInstanceId: id, Name: 'lobby-app', Status: 'DEPLOYMENT_PENDING', DefaultRuntimeContextDeviceName: 'apps-cam', Arn: expect.stringMatching(/:applicationInstance\//) })]);
    expect(await ok(['panorama', 'describe-application-instance', '--application-instance-id', id])).toMatchObject({ HealthStatus: 'NOT_AVAILABLE', CreatedTime: expect.any(Number) });
    expect(JSON.parse((await ok(['panorama', 'describe-application-instance-details', '--application-instance-id', id])).ManifestPayload.PayloadData)).toEqual(JSON.parse(graph));
    expect((await ok(['panorama', 'list-application-instance-dependencies', '--application-instance-id', id])).PackageObjects.map((p: any) => p.Name)).toEqual(['panorama::abstract_rtsp_media_source', 'panorama::hdmi_data_sink']);
    const nodeInstances = (await ok(['panorama', 'list-application-instance-node-instances', '--application-instance-id', id])).NodeInstances;
    expect(nodeInstances.map((n: any) => n.NodeInstanceId)).toEqual(['camera_node', 'output_node']);
    expect(await ok(['panorama', 'signal-application-instance-node-instances', '--application-instance-id', id, '--node-signals', 'NodeInstanceId=camera_node,Signal=PAUSE'])).toEqual({ ApplicationInstanceId: id });
    expect(await prisma.nodeInstance.findFirst({ where: { applicationInstanceId: id, nodeInstanceId: 'camera_node' } })).toMatchObject({ signal: 'PAUSE' });

    const group = `/aws/panorama/devices/${device.deviceId}/applications/${id}`;
    await prisma.logEvent.createMany({ data: Array.from({ length: 200 }, (_, i) => ({ deviceId: device.deviceId, applicationInstanceId: id, logGroup: group, logStream: i % 2 ? 'code_node' : 'camera_node', timestamp: new Date(Date.now() - 1000 + i), message: `line ${i}${i === 7 ? ' ERROR boom' : ''}` })) });
    const events = await ok(['logs', 'get-log-events', '--log-group-name', group, '--log-stream-name', 'code_node', '--limit', '50']);
    expect(events.events).toHaveLength(50);
    expect(events.events[0]).toEqual({ timestamp: expect.any(Number), message: 'line 1', ingestionTime: expect.any(Number) });
    const streams = await ok(['logs', 'describe-log-streams', '--log-group-name', group]);
    expect(streams.logStreams.map((s: any) => s.logStreamName)).toEqual(['camera_node', 'code_node']);
    const filtered = await ok(['logs', 'filter-log-events', '--log-group-name', group, '--filter-pattern', 'ERROR']);
    expect(filtered.events.map((e: any) => e.message)).toEqual(['line 7 ERROR boom']);
    expect(await aws(['logs', 'get-log-events', '--log-group-name', '/aws/panorama/devices/device-aaaaaaaaaaaaaaaaaaaaaaaaaa', '--log-stream-name', 'x'])).toMatchObject({ ok: false, err: expect.stringMatching(/ResourceNotFoundException/) });

    expect(await ok(['panorama', 'remove-application-instance', '--application-instance-id', id])).toEqual({});
    expect((await ok(['panorama', 'describe-application-instance', '--application-instance-id', id])).Status).toMatch(/^REMOVAL_/);
  });

  it('refuses stale clocks and revoked keys with 403 saying which; throttles with 429; quotas with 402; internal faults with 500', async () => {
    // A request signed 20 minutes ago, by the SDK with a skewed clock.
    const skewed = new PanoramaClient({ endpoint: `${api.url}/panorama`, region: REGION, credentials: keys, systemClockOffset: -20 * 60_000, maxAttempts: 1 });
    const old = await sdkError(skewed.send(new ListDevicesCommand({})));
    skewed.destroy();
    expect(old).toBeInstanceOf(AccessDeniedException);
    expect(old.message).toMatch(/Signature expired/);

    const limited = await newOrganization(api, { requestsPerSecond: 1, requestBurst: 1, devices: 1 });
    const k = dataOf(await gql(api.url, limited.adminKey, 'mutation { createAccessKey(input: {name: "limited", role: ADMIN}) { accessKeyId secretAccessKey apiKey { id } } }')).createAccessKey;
    const client = new PanoramaClient({ endpoint: `${api.url}/panorama`, region: REGION, credentials: { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey }, maxAttempts: 1 });
    await client.send(new ProvisionDeviceCommand({ Name: 'only-one' }));
    await new Promise((r) => setTimeout(r, 1100));
    expect(await sdkError(client.send(new ProvisionDeviceCommand({ Name: 'one-too-many' })))).toBeInstanceOf(ServiceQuotaExceededException);
    const burst = await Promise.all([1, 2, 3].map(() => sdkError(client.send(new ListDevicesCommand({})))));
    expect(burst.find((e) => e?.name === 'ThrottlingException')).toMatchObject({ $metadata: { httpStatusCode: 429 } }); // not in the model: the SDK's generic error

    await gql(api.url, limited.adminKey, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: k.apiKey.id });
    const revoked = await sdkError(client.send(new ListDevicesCommand({})));
    expect(revoked).toBeInstanceOf(AccessDeniedException);
    expect(revoked.message).toMatch(/was revoked/);
    client.destroy();

    // A signing secret the secret store can no longer decrypt: our fault, not the caller's.
    const broken = dataOf(await gql(api.url, org.adminKey, 'mutation { createAccessKey(input: {name: "broken", role: VIEWER}) { accessKeyId secretAccessKey } }')).createAccessKey;
    await api.app.get(PrismaService).secret.updateMany({ where: { organizationId: org.organizationId, name: `edgefleet-access-key-${broken.accessKeyId}` }, data: { authTag: Buffer.alloc(16) } });
    const faulty = new PanoramaClient({ endpoint: `${api.url}/panorama`, region: REGION, credentials: broken, maxAttempts: 1 });
    expect(await sdkError(faulty.send(new ListDevicesCommand({})))).toBeInstanceOf(InternalServerException);
    faulty.destroy();
  });
});

describe("the Panorama API and the user's usual AWS region", () => {
  it('accepts a request signed for any region unless EDGEFLEET_REGION insists on one; ARNs keep the installation region', async () => {
    const open = await startApi();
    const strict = await startApi({ EDGEFLEET_REGION: 'us-west-2' });
    try {
      for (const [api, region, outcome] of [[open, 'us-west-2', 'ok'], [open, 'eu-central-1', 'ok'], [strict, 'us-west-2', 'ok'], [strict, 'eu-central-1', 'refused']] as const) {
        const org = await newOrganization(api);
        const key = dataOf(await gql(api.url, org.adminKey, 'mutation { createAccessKey(input: {name: "scripts", role: ADMIN}) { accessKeyId secretAccessKey } }')).createAccessKey;
        const client = new PanoramaClient({ endpoint: `${api.url}/panorama`, region, credentials: key, maxAttempts: 1 });
        const result = await client.send(new ProvisionDeviceCommand({ Name: 'region-cam' })).then((r) => r.Arn, (e: Error) => e);
        client.destroy();
        if (outcome === 'ok') expect(result).toMatch(new RegExp(`^arn:aws:panorama:${api === strict ? 'us-west-2' : 'local'}:\\d{12}:device/`));
        else expect(result).toMatchObject({ name: 'AccessDeniedException', message: expect.stringMatching(/this installation is 'us-west-2' \(EDGEFLEET_REGION\), not 'eu-central-1'/) });
      }
    } finally {
      await Promise.all([open.app.close(), strict.app.close()]);
    }
  });
});
