import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { ArtifactStore } from '@edgefleet/artifacts';
import { PrismaService } from '@edgefleet/db';
import { PACKAGE_FILES } from '@edgefleet/packages';
import { CameraStreamService } from '@edgefleet/streams';
import { codeOf, dataOf, errorOf, freePort, gql, newKey, newOrganization, seedDevice, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

const FIXTURES = path.resolve(__dirname, '../../../../e2e/fixtures/panorama');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('packages, camera streams and manifests through GraphQL', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let prisma: PrismaService;
  let account: string;
  const q = (query: string, variables: Record<string, unknown> = {}, key = org.adminKey) => gql(api.url, key, query, variables);
  const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8').replaceAll('123456789012', account);

  /** Through the API and the signed URL, as panorama-cli's package-application does. */
  async function upload(packageId: string, content: Buffer | string, declared = sha256(content)) {
    const body = Buffer.from(content);
    const r = dataOf(await q('mutation($p: String!, $s: String!, $n: Float!) { createPackageAssetUploadUrl(packageId: $p, sha256: $s, sizeBytes: $n) { url alreadyUploaded } }', { p: packageId, s: declared, n: body.length })).createPackageAssetUploadUrl;
    if (r.alreadyUploaded) return { status: 200, body: {} as Record<string, any> };
    const res = await fetch(r.url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  }

  async function createPackage(name: string, key = org.adminKey): Promise<string> {
    return dataOf(await q('mutation($n: String!) { createPackage(name: $n, tags: [{key: "team", value: "cv"}]) { packageId } }', { n: name }, key)).createPackage.packageId;
  }

  /** A package with its files uploaded from the fixtures; returns the manifest's patch version. */
  async function publish(packageId: string, name: 'SAMPLE_CODE' | 'SQUEEZENET_PYTORCH_V1', edit: (m: any) => void = () => undefined) {
    const asset = Buffer.from(`${name} archive ${Math.random()}`);
    const descriptor = fixture(`${name}.descriptor.json`);
    for (const f of [asset, descriptor]) expect((await upload(packageId, f)).status).toBe(200);
    const manifest = JSON.parse(fixture(`${name}.package.json`).replace(/<(code|model)_asset>/, sha256(asset)).replace(/<(code|model)_descriptor>/, sha256(descriptor)));
    edit(manifest);
    const text = JSON.stringify(manifest, null, 2);
    expect((await upload(packageId, text)).status).toBe(200);
    return sha256(text);
  }

  const register = (packageId: string, patchVersion: string, extra = '') =>
    q(`mutation($p: String!, $v: String!) { registerPackageVersion(input: {packageId: $p, packageVersion: "1.0", patchVersion: $v ${extra}}) { packageName packageVersion patchVersion isLatestPatch status } }`, { p: packageId, v: patchVersion });

  beforeAll(async () => {
    // On a known port: the signed upload and download URLs name it.
    api = await startApi({ API_PORT: String(await freePort()) });
    org = await newOrganization(api);
    prisma = api.app.get(PrismaService);
    account = (await prisma.organization.findUniqueOrThrow({ where: { id: org.organizationId } })).accountId;
  });
  afterAll(() => api.app.close());

  describe('packages', () => {
    it('are created by name with Panorama ids and ARNs, unique per organization, listed by name, tagged by ARN', async () => {
      const id = await createPackage('pkg-alpha');
      expect(id).toMatch(/^package-[a-z2-7]{26}$/);
      expect(errorOf(await q('mutation { createPackage(name: "pkg-alpha") { packageId } }')).extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_EXISTS' });
      expect(errorOf(await q('mutation { createPackage(name: "bad name!") { packageId } }')).extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
      expect(codeOf(await q(`mutation { createPackage(name: "${'x'.repeat(129)}") { packageId } }`))).toBe('VALIDATION_FAILED');
      await createPackage('pkg-beta');

      const { arn } = dataOf(await q('query($p: String!) { package(packageId: $p) { arn tags { key value } } }', { p: id })).package;
      expect(arn).toBe(`arn:aws:panorama:us-east-1:${account}:package/${id}`.replace('us-east-1', api.config.REGION));
      expect(dataOf(await q('mutation($a: String!) { tagResource(resourceArn: $a, tags: [{key: "site", value: "hq"}]) { key value } }', { a: arn })).tagResource).toEqual([
        { key: 'team', value: 'cv' },
        { key: 'site', value: 'hq' },
      ]);
      expect(dataOf(await q('mutation($a: String!) { untagResource(resourceArn: $a, tagKeys: ["team"]) { key } }', { a: arn })).untagResource).toEqual([{ key: 'site' }]);

      const first = dataOf(await q('{ packages(first: 1) { edges { node { packageName } } pageInfo { hasNextPage endCursor } } }')).packages;
      expect(first.edges.map((e: any) => e.node.packageName)).toEqual(['pkg-alpha']);
      const next = dataOf(await q('query($a: String) { packages(first: 1, after: $a) { edges { node { packageName } } } }', { a: first.pageInfo.endCursor })).packages;
      expect(next.edges.map((e: any) => e.node.packageName)).toEqual(['pkg-beta']);
      expect(errorOf(await q('{ packages(first: 1, after: "nope") { edges { cursor } } }')).extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'INVALID_CURSOR' });
    });

    it("are invisible to other organizations, and a VIEWER can read but not create them", async () => {
      const id = await createPackage('pkg-private');
      const other = await newOrganization(api);
      expect(errorOf(await q('query($p: String!) { package(packageId: $p) { packageName } }', { p: id }, other.adminKey)).extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'PACKAGE_NOT_FOUND' });
      expect(codeOf(await q('mutation($p: String!) { deletePackage(packageId: $p) { message } }', { p: id }, other.adminKey))).toBe('NOT_FOUND');
      const viewer = await newKey(api, org, 'VIEWER');
      expect(dataOf(await q('query($p: String!) { package(packageId: $p) { packageName } }', { p: id }, viewer)).package.packageName).toBe('pkg-private');
      expect(codeOf(await q('mutation { createPackage(name: "pkg-by-viewer") { packageId } }', {}, viewer))).toBe('FORBIDDEN');
    });

    it('stop at the quota of packages per organization (camera streams included)', async () => {
      const small = await newOrganization(api, { packages: 1 });
      const r = (n: string) => gql(api.url, small.adminKey, `mutation { createPackage(name: "${n}") { packageId } }`);
      expect((await r('only-one')).errors).toBeUndefined();
      expect(errorOf(await r('one-too-many')).extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', limit: 1 });
      expect(errorOf(await gql(api.url, small.adminKey, 'mutation { createNodeFromTemplateJob(input: {templateType: RTSP_CAMERA_STREAM, outputPackageName: "cam", outputPackageVersion: "1.0", nodeName: "cam", templateParameters: {username: "u", password: "p", streamUrl: "rtsp://10.0.0.1/live"}}) { jobId } }')).extensions).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    });
  });

  describe('assets', () => {
    it('take one PUT of exactly the declared digest and size; a mismatch is refused and nothing is kept; downloads serve ranges', async () => {
      const id = await createPackage('pkg-assets');
      const good = Buffer.from('0123456789'.repeat(100));
      const wrong = await upload(id, Buffer.from('x'.repeat(1000)), sha256(good));
      expect(wrong.status).toBe(400);
      expect(wrong.body.message).toContain(`not the expected ${sha256(good)}`);
      const store = api.app.get(ArtifactStore);
      expect(await store.exists(PACKAGE_FILES, sha256('x'.repeat(1000)))).toBe(false);
      expect(await prisma.packageAsset.findFirst({ where: { packageId: id, sha256: sha256(good) } })).toMatchObject({ uploadedAt: null });

      expect(await upload(id, good)).toMatchObject({ status: 200, body: { sha256: sha256(good), sizeBytes: 1000 } });
      expect(dataOf(await q('mutation($p: String!, $s: String!) { createPackageAssetUploadUrl(packageId: $p, sha256: $s, sizeBytes: 1000) { url alreadyUploaded } }', { p: id, s: sha256(good) })).createPackageAssetUploadUrl).toEqual({ url: null, alreadyUploaded: true });

      const [asset] = dataOf(await q('query($p: String!) { package(packageId: $p) { assets { sha256 sizeBytes uploadedAt downloadUrl } } }', { p: id })).package.assets;
      const part = await fetch(asset.downloadUrl, { headers: { range: 'bytes=10-19' } });
      expect([part.status, part.headers.get('content-range'), await part.text()]).toEqual([206, 'bytes 10-19/1000', '0123456789']);
      expect((await fetch(asset.downloadUrl.replace(/signature=[^&]+/, 'signature=forged'))).status).toBe(403);

      for (const [args, field] of [
        ['sha256: "ABC", sizeBytes: 10', 'sha256'],
        [`sha256: "${'a'.repeat(64)}", sizeBytes: 0`, 'sizeBytes'],
        [`sha256: "${'a'.repeat(64)}", sizeBytes: 1.5`, 'sizeBytes'],
      ]) {
        expect(errorOf(await q(`mutation($p: String!) { createPackageAssetUploadUrl(packageId: $p, ${args}) { url } }`, { p: id })).extensions).toMatchObject({ code: 'VALIDATION_FAILED', field });
      }
    });
  });

  describe('package versions', () => {
    it('register from the uploaded package.json once every file it names is uploaded; the patch version is its SHA-256', async () => {
      const id = await createPackage('SAMPLE_CODE');
      expect(errorOf(await register(id, 'a'.repeat(64))).extensions).toMatchObject({ code: 'CONFLICT', reason: 'ASSET_NOT_UPLOADED', field: 'patchVersion' });

      // A manifest naming files that are not there, and a bad category: every problem, with its JSON path.
      const broken = JSON.parse(fixture('SAMPLE_CODE.package.json').replace('<code_asset>', 'c'.repeat(64)).replace('<code_descriptor>', 'd'.repeat(64)));
      broken.nodePackage.interfaces[0].category = 'media_source';
      const brokenText = JSON.stringify(broken);
      await upload(id, brokenText);
      const refused = errorOf(await register(id, sha256(brokenText)));
      expect(refused.extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'INVALID_PACKAGE_MANIFEST' });
      expect((refused.extensions!.problems as { path: string }[]).map((p) => p.path)).toEqual(['$.nodePackage.interfaces[0].category']);
      broken.nodePackage.interfaces[0].category = 'business_logic';
      const missing = JSON.stringify(broken);
      await upload(id, missing);
      expect((errorOf(await register(id, sha256(missing))).extensions!.problems as object[])).toEqual([
        { path: '$.nodePackage.assets[0].implementations[0].assetUri', message: `${'c'.repeat(64)}.tar.gz is not uploaded to this package yet (createPackageAssetUploadUrl)` },
        { path: '$.nodePackage.assets[0].implementations[0].descriptorUri', message: `${'d'.repeat(64)}.json is not uploaded to this package yet (createPackageAssetUploadUrl)` },
      ]);

      const patch = await publish(id, 'SAMPLE_CODE');
      expect(dataOf(await register(id, patch)).registerPackageVersion).toEqual({ packageName: 'SAMPLE_CODE', packageVersion: '1.0', patchVersion: patch, isLatestPatch: true, status: 'REGISTER_COMPLETED' });
      expect(dataOf(await register(id, patch)).registerPackageVersion.patchVersion).toBe(patch); // again: nothing changes
      expect(await prisma.packageVersion.count({ where: { packageId: id } })).toBe(1);

      const second = await publish(id, 'SAMPLE_CODE', (m) => (m.nodePackage.description = 'second patch'));
      expect(dataOf(await register(id, second, 'markLatest: true')).registerPackageVersion.isLatestPatch).toBe(true);
      const latest = dataOf(await q('query($p: String!) { packageVersion(packageId: $p, packageVersion: "1.0") { patchVersion manifest } }', { p: id })).packageVersion;
      expect(latest.patchVersion).toBe(second);
      expect(latest.manifest.nodePackage.description).toBe('second patch');
      expect(dataOf(await q('query($p: String!, $v: String) { packageVersion(packageId: $p, packageVersion: "1.0", patchVersion: $v) { isLatestPatch } }', { p: id, v: patch })).packageVersion.isLatestPatch).toBe(false);

      const nodes = dataOf(await q('{ nodes(filter: {category: BUSINESS_LOGIC}) { edges { node { nodeId name interface packageVersion patchVersion } } } }')).nodes.edges.map((e: any) => e.node);
      expect(nodes).toContainEqual({ nodeId: `SAMPLE_CODE-1.0-${second.slice(0, 8)}-interface`, name: 'interface', interface: `${account}::SAMPLE_CODE.interface`, packageVersion: '1.0', patchVersion: second });

      const after = dataOf(await q('mutation($p: String!, $v: String!) { deregisterPackageVersion(input: {packageId: $p, packageVersion: "1.0", patchVersion: $v}) { versions { patchVersion } } }', { p: id, v: patch })).deregisterPackageVersion;
      expect(after.versions).toEqual([{ patchVersion: second }]);
    });

    it('check names, versions and descriptors against the package', async () => {
      const id = await createPackage('SQUEEZENET_PYTORCH_V1');
      const wrongName = await publish(id, 'SQUEEZENET_PYTORCH_V1', (m) => (m.nodePackage.name = 'OTHER'));
      expect((errorOf(await register(id, wrongName)).extensions!.problems as { path: string }[]).map((p) => p.path)).toEqual(['$.nodePackage.name']);
      const badDescriptor = Buffer.from(JSON.stringify({ mlModelDescriptor: { envelopeVersion: '2021-01-01', framework: 'CAFFE', inputs: [] } }));
      await upload(id, badDescriptor);
      const withBad = await publish(id, 'SQUEEZENET_PYTORCH_V1', (m) => (m.nodePackage.assets[0].implementations[0].descriptorUri = `${sha256(badDescriptor)}.json`));
      expect((errorOf(await register(id, withBad)).extensions!.problems as { path: string; message: string }[]).map((p) => p.path)).toEqual([
        '$.nodePackage.assets[0].implementations[0].descriptorUri→$.mlModelDescriptor.framework',
        '$.nodePackage.assets[0].implementations[0].descriptorUri→$.mlModelDescriptor.inputs',
      ]);
      const notJson = 'not json {';
      await upload(id, notJson);
      expect(errorOf(await register(id, sha256(notJson))).extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'INVALID_JSON' });
      expect(errorOf(await register(id, 'NOT-A-DIGEST')).extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'patchVersion' });
      expect(errorOf(await q('mutation($p: String!) { registerPackageVersion(input: {packageId: $p, packageVersion: "v1", patchVersion: "x"}) { status } }', { p: id })).extensions).toMatchObject({ field: 'packageVersion' });
      expect(dataOf(await register(id, await publish(id, 'SQUEEZENET_PYTORCH_V1'))).registerPackageVersion.status).toBe('REGISTER_COMPLETED');
    });

    it("stop at the quota of versions per package, with Panorama's message", async () => {
      const small = await newOrganization(api, { versionsPerPackage: 1 });
      const [mine, key] = [org, org.adminKey];
      org = small;
      try {
        const id = await createPackage('SAMPLE_CODE');
        expect(dataOf(await register(id, await publish(id, 'SAMPLE_CODE'))).registerPackageVersion.status).toBe('REGISTER_COMPLETED');
        const e = errorOf(await register(id, await publish(id, 'SAMPLE_CODE', (m) => (m.nodePackage.description = 'v2'))));
        expect(e.message).toBe("You've reached the maximum number of versions for package SAMPLE_CODE. Deregister unused package versions and try again.");
        expect(e.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', limit: 1 });
      } finally {
        org = { ...mine, adminKey: key };
      }
    });

    it('cannot be deleted while an application instance uses them, unless forced', async () => {
      const id = await createPackage('pkg-in-use');
      const device = await seedDevice(api, org, { name: 'pkg-in-use-device' });
      await prisma.applicationInstance.create({
        data: {
          applicationInstanceId: `applicationInstance-inuse-${id}`,
          organizationId: org.organizationId,
          defaultRuntimeContextDevice: device.deviceId,
          manifestPayload: {},
          status: 'DEPLOYMENT_SUCCEEDED',
          nodeInstances: { create: { nodeInstanceId: `code_node-${id}`, nodeId: 'n', packageName: 'pkg-in-use', packageVersion: '1.0', packagePatchVersion: 'a'.repeat(64), nodeName: 'interface' } },
        },
      });
      const del = (force: boolean) => q('mutation($p: String!, $f: Boolean!) { deletePackage(packageId: $p, forceDelete: $f) { packageId message } }', { p: id, f: force });
      expect(errorOf(await del(false)).extensions).toMatchObject({ code: 'CONFLICT', reason: 'PACKAGE_IN_USE', applicationInstanceIds: [`applicationInstance-inuse-${id}`] });
      expect(await prisma.package.count({ where: { packageId: id } })).toBe(1);
      expect(dataOf(await del(true)).deletePackage.message).toBe(`Package pkg-in-use is deleted; application instances applicationInstance-inuse-${id} keep what they already run.`);
      expect(await prisma.package.count({ where: { packageId: id } })).toBe(0);
    });
  });

  describe('camera streams', () => {
    const create = (input: string, key = org.adminKey) =>
      q(`mutation { createNodeFromTemplateJob(input: {templateType: RTSP_CAMERA_STREAM, outputPackageVersion: "1.0", ${input}}) { jobId status nodeName streamUrl credentials { stored updatedAt } } }`, {}, key);
    const params = (url = 'rtsp://192.168.0.77/live/mpeg4/') => `templateParameters: {username: "admin", password: "pa55-Word", streamUrl: "${url}"}`;

    it('refuse bad input with precise errors, and store nothing', async () => {
      const before = await prisma.secret.count({ where: { organizationId: org.organizationId } });
      const cases: [string, string][] = [
        [`outputPackageName: "bad name", nodeName: "cam", ${params()}`, 'outputPackageName'],
        [`outputPackageName: "cam", nodeName: "${'n'.repeat(129)}", ${params()}`, 'nodeName'],
        [`outputPackageName: "cam", nodeName: "cam", nodeDescription: "${'d'.repeat(256)}", ${params()}`, 'nodeDescription'],
        [`outputPackageName: "cam", nodeName: "cam", ${params('http://192.168.0.77/live')}`, 'templateParameters.streamUrl'],
        [`outputPackageName: "cam", nodeName: "cam", ${params('rtsp://admin:secret@192.168.0.77/live')}`, 'templateParameters.streamUrl'],
        [`outputPackageName: "cam", nodeName: "cam", ${params('not a url')}`, 'templateParameters.streamUrl'],
        [`outputPackageName: "cam", nodeName: "cam", templateParameters: {username: "", password: "p", streamUrl: "rtsp://h/x"}`, 'templateParameters.username'],
        [`outputPackageName: "cam", nodeName: "cam", templateParameters: {username: "u", password: "${'p'.repeat(256)}", streamUrl: "rtsp://h/x"}`, 'templateParameters.password'],
      ];
      for (const [input, field] of cases) expect([field, errorOf(await create(input)).extensions]).toEqual([field, expect.objectContaining({ code: 'VALIDATION_FAILED', field })]);
      expect(errorOf(await q('mutation { createNodeFromTemplateJob(input: {templateType: RTSP_CAMERA_STREAM, outputPackageName: "cam", outputPackageVersion: "1", nodeName: "cam", templateParameters: {username: "u", password: "p", streamUrl: "rtsp://h/x"}}) { jobId } }')).extensions).toMatchObject({ field: 'outputPackageVersion' });
      expect(await prisma.secret.count({ where: { organizationId: org.organizationId } })).toBe(before);
      expect(await prisma.cameraStream.count({ where: { organizationId: org.organizationId } })).toBe(0);
    });

    it('become a MEDIA_SOURCE node package <account>::<name> that manifests can use; credentials are shown only as stored', async () => {
      const job = dataOf(await create(`outputPackageName: "exterior-south", nodeName: "exterior-south", nodeDescription: "South door", ${params()}, jobTags: [{key: "site", value: "hq"}]`)).createNodeFromTemplateJob;
      expect(job).toMatchObject({ status: 'PENDING', nodeName: 'exterior-south', streamUrl: 'rtsp://192.168.0.77/live/mpeg4/', credentials: { stored: true } });
      expect(job.jobId).toMatch(/^nodeFromTemplateJob-[a-z2-7]{26}$/);
      expect(errorOf(await create(`outputPackageName: "exterior-south", nodeName: "other", ${params()}`)).extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_EXISTS' });
      expect(await prisma.outboxMessage.count({ where: { queue: 'streams', idempotencyKey: `create-camera-node-${job.jobId}` } })).toBe(1);

      // The worker's use case (the worker e2e test runs it through the queue).
      expect(await api.app.get(CameraStreamService).process(job.jobId)).toBe('SUCCEEDED');
      const done = dataOf(await q('query($j: String!) { nodeFromTemplateJob(jobId: $j) { status statusMessage packageId jobTags { key value } } }', { j: job.jobId })).nodeFromTemplateJob;
      expect(done).toMatchObject({ status: 'SUCCEEDED', statusMessage: 'Created camera node exterior-south', jobTags: [{ key: 'site', value: 'hq' }] });
      const cameras = dataOf(await q('{ nodes(filter: {category: MEDIA_SOURCE}) { edges { node { name interface packageName packageId } } } }')).nodes.edges.map((e: any) => e.node);
      expect(cameras).toEqual([{ name: 'exterior-south', interface: `${account}::exterior-south.exterior-south`, packageName: 'exterior-south', packageId: done.packageId }]);
      expect(dataOf(await q('{ nodeFromTemplateJobs(first: 10) { edges { node { jobId } } } }')).nodeFromTemplateJobs.edges).toEqual([{ node: { jobId: job.jobId } }]);

      // The guide's sample application, with this camera chosen, is valid.
      const manifest = fixture('graph.json');
      const overrides = fixture('overrides.json');
      const v = dataOf(
        await q('query($m: ManifestPayloadInput!, $o: ManifestPayloadInput) { validateApplicationManifest(manifestPayload: $m, manifestOverridesPayload: $o) { valid problems { document path message } graph } }', {
          m: { payloadData: manifest },
          o: { payloadData: overrides },
        }),
      ).validateApplicationManifest;
      // SAMPLE_CODE and SQUEEZENET_PYTORCH_V1 1.0 are registered by the tests above; the camera by this one.
      expect(v.problems).toEqual([]);
      expect(v.valid).toBe(true);
      expect(v.graph.nodes.find((n: any) => n.replaces === 'camera_node')).toMatchObject({ name: 'my_camera', packageName: `${account}::exterior-south`, category: 'media_source' });

      const noJson = dataOf(await q('query { validateApplicationManifest(manifestPayload: {payloadData: "{"}) { valid problems { document path message } } }')).validateApplicationManifest;
      expect(noJson.valid).toBe(false);
      expect(noJson.problems[0]).toMatchObject({ document: 'manifestPayload', path: '$' });

      // Deleting the camera's package: applications keep running with it, and the credentials stay.
      const del = dataOf(await q('mutation($p: String!) { deletePackage(packageId: $p) { message } }', { p: done.packageId })).deletePackage;
      expect(del.message).toBe('Camera stream exterior-south is removed from the catalogue. Applications already running with it keep running, and its credentials stay in the secret store.');
      expect(dataOf(await q('query($j: String!) { nodeFromTemplateJob(jobId: $j) { credentials { stored } } }', { j: job.jobId })).nodeFromTemplateJob.credentials.stored).toBe(true);
    });

    it('have their credentials replaced in the secret store, never shown', async () => {
      const job = dataOf(await create(`outputPackageName: "entrance-north", nodeName: "entrance-north", ${params()}`)).createNodeFromTemplateJob;
      const before = job.credentials.updatedAt;
      await new Promise((r) => setTimeout(r, 20));
      const updated = await q('mutation($j: String!) { updateCameraCredentials(jobId: $j, credentials: {username: "ops", password: "n3w-Secret"}) { credentials { stored updatedAt } } }', { j: job.jobId });
      expect(Date.parse(dataOf(updated).updateCameraCredentials.credentials.updatedAt)).toBeGreaterThan(Date.parse(before));
      expect(JSON.stringify(updated)).not.toContain('n3w-Secret');
      expect(codeOf(await q('mutation { updateCameraCredentials(jobId: "nodeFromTemplateJob-nope", credentials: {username: "a", password: "b"}) { jobId } }'))).toBe('NOT_FOUND');
    });
  });
});

describe('camera credentials with SECRETS_BACKEND=aws', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  let api: RunningApi;
  let org: TestOrganization;
  afterAll(async () => {
    secretsManager.restore();
    await api?.app.close();
  });

  it('go to AWS Secrets Manager under the organization, the API showing only that they exist; a refused request leaves no secret', async () => {
    const changed = new Date('2026-12-01T10:00:00Z');
    secretsManager.on(CreateSecretCommand).resolves({}).on(DescribeSecretCommand).resolves({ CreatedDate: changed, LastChangedDate: changed }).on(DeleteSecretCommand).resolves({});
    api = await startApi({ SECRETS_BACKEND: 'aws' });
    org = await newOrganization(api);
    const create = (name: string) =>
      gql(api.url, org.adminKey, `mutation { createNodeFromTemplateJob(input: {templateType: RTSP_CAMERA_STREAM, outputPackageName: "${name}", outputPackageVersion: "1.0", nodeName: "${name}", templateParameters: {username: "aws-user", password: "aws-pa55", streamUrl: "rtsp://10.1.1.1/live"}}) { jobId credentials { stored updatedAt } } }`);
    const r = await create('aws-cam');
    const job = dataOf(r).createNodeFromTemplateJob;
    expect(job.credentials).toEqual({ stored: true, updatedAt: changed.toISOString() });
    expect(JSON.stringify(r)).not.toContain('aws-pa55');
    expect(secretsManager.commandCalls(CreateSecretCommand).map((c) => c.args[0].input)).toEqual([
      { Name: `edgefleet/${org.organizationId}/panorama-camera-${job.jobId}`, SecretString: JSON.stringify({ Username: 'aws-user', Password: 'aws-pa55' }) },
    ]);

    // The same name again: refused before anything is written.
    expect(codeOf(await create('aws-cam'))).toBe('CONFLICT');
    expect(secretsManager.commandCalls(CreateSecretCommand)).toHaveLength(1);
    // Two at once: both may write their secret before one loses the insert; the loser's is deleted again.
    const results = await Promise.all([create('aws-race'), create('aws-race')]);
    expect(results.map((x) => codeOf(x) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    const written = secretsManager.commandCalls(CreateSecretCommand).length - 1;
    expect(written - secretsManager.commandCalls(DeleteSecretCommand).length).toBe(1);
  });
});
