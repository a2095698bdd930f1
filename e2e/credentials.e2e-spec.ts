import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateOrganizationDocument } from '@edgefleet/client';
import { BUNDLE_FILES } from '@edgefleet/contracts';
import { ROOT, type Stack, dataOf, gql, startApp, startStack, until } from './support';

jest.setTimeout(300_000);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
const run = (file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Run> =>
  new Promise((resolve) =>
    execFile(file, args, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })),
  );

/** How long issued credentials last here (CREDENTIALS_MAX_SECONDS), so their expiry is seen within the test. */
const CREDENTIAL_SECONDS = 30;
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::edgefleet-clips/clips/${credentials-iot:ThingName}/*' }],
});

/**
 * A device exchanges its certificate for temporary credentials exactly as with AWS IoT's
 * credentials provider (curl over mutual TLS, as AWS's documentation shows it, with the
 * certificate a real agent provisioned for itself), and the real aws CLI uploads a clip with
 * them through the S3-compatible endpoint: to its own prefix only, until they expire.
 */
describe("temporary credentials for devices: AWS IoT's credentials provider, end to end", () => {
  let stack: Stack;
  let deviceId: string;
  let otherDeviceId: string;
  let agentDir: string;
  let provider: string;
  const installationKey = `efi_${randomBytes(24).toString('base64url')}`;
  const q = async (query: string, variables?: Record<string, unknown>, key = stack.key) => dataOf(await gql(stack.url, key, query, variables));

  const edgefleet = (args: string[]) =>
    run(process.execPath, [path.join(ROOT, 'apps/cli/bin/edgefleet.js'), ...args], { ...process.env, NODE_OPTIONS: '', EDGEFLEET_ENDPOINT: stack.url, EDGEFLEET_API_KEY: stack.key, EDGEFLEET_CONFIG_FILE: path.join(stack.dir, 'no-profile.json') });
  /** curl to the credentials provider with the agent's certificate (or another), as a device runs it. */
  const credentials = (roleAlias: string, thingName: string | null = deviceId, cert = path.join(agentDir, 'device.pem.crt'), key = path.join(agentDir, 'device.pem.key')) =>
    run('curl', [
      '-sS', '--cert', cert, '--key', key, '--cacert', path.join(agentDir, 'root-ca.pem'),
      ...(thingName ? ['-H', `x-amzn-iot-thingname: ${thingName}`] : []),
      '-w', '\n%{http_code}', `${provider}/role-aliases/${roleAlias}/credentials`,
    ]).then((r) => {
      const lines = r.stdout.trim().split('\n');
      return { status: Number(lines.pop()), body: JSON.parse(lines.join('\n') || '{}') };
    });
  const awsWith = (c: { accessKeyId: string; secretAccessKey: string; sessionToken: string }, args: string[]) =>
    run('aws', args, {
      PATH: process.env.PATH,
      HOME: stack.dir,
      AWS_ACCESS_KEY_ID: c.accessKeyId,
      AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
      AWS_SESSION_TOKEN: c.sessionToken,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_ENDPOINT_URL_S3: `${stack.url}/s3`,
    });

  beforeAll(async () => {
    stack = await startStack('credentials', { EDGEFLEET_INSTALLATION_ADMIN_KEY: installationKey, CREDENTIALS_MAX_SECONDS: String(CREDENTIAL_SECONDS) });
    provider = `https://127.0.0.1:${stack.env.CREDENTIALS_PROVIDER_PORT}`;
    const provisioned = (await q('mutation { provisionDevice(input: {name: "clip-cam"}) { deviceId certificates } }')).provisionDevice;
    deviceId = provisioned.deviceId;
    otherDeviceId = (await q('mutation { provisionDevice(input: {name: "other-cam"}) { deviceId } }')).provisionDevice.deviceId;
    const zip = path.join(stack.dir, 'clip-cam.zip');
    writeFileSync(zip, Buffer.from(provisioned.certificates, 'base64'));
    agentDir = path.join(stack.dir, 'agent');
    stack.running.push(startApp('edge-agent', {}, ['--bundle', zip, '--data-dir', agentDir]));
    await until(() => q('query ($id: ID!) { device(deviceId: $id) { deviceConnectionStatus } }', { id: deviceId }), (d) => d.device.deviceConnectionStatus === 'ONLINE');
    expect(existsSync(path.join(agentDir, 'device.pem.crt'))).toBe(true);
    // The role alias, as an operator makes it with the CLI.
    writeFileSync(path.join(stack.dir, 'policy.json'), POLICY);
    const made = await edgefleet(['role-aliases', 'create', 'clips-uploader', '--policy-document', path.join(stack.dir, 'policy.json'), '--duration', '900', '-o', 'json']);
    expect(made).toMatchObject({ code: 0 });
    expect(JSON.parse(made.stdout)).toMatchObject({ roleAlias: 'clips-uploader', credentialDurationSeconds: 900 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('issues credentials over mutual TLS that put a clip under the thing\'s own prefix only, until they expire', async () => {
    const got = await credentials('clips-uploader');
    expect(got.status).toBe(200);
    const c = got.body.credentials;
    expect(c).toEqual({ accessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/), secretAccessKey: expect.any(String), sessionToken: expect.any(String), expiration: expect.any(String) });
    const lasts = Date.parse(c.expiration) - Date.now();
    expect(lasts).toBeGreaterThan(0);
    expect(lasts).toBeLessThanOrEqual(CREDENTIAL_SECONDS * 1000);

    // A real clip (H.264 in MP4), put with the aws CLI under the thing's own prefix.
    const clip = path.join(stack.dir, 'clip.mp4');
    const made = await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
    expect(made.stderr).toBe('');
    const startedAt = new Date();
    const key = `clips/${deviceId}/front-door/${startedAt.getTime()}.mp4`;
    const own = await awsWith(c, ['s3', 'cp', clip, `s3://edgefleet-clips/${key}`]);
    expect(own).toMatchObject({ code: 0 });
    // A larger one goes up in parts (the aws CLI's multipart upload above 8 MB), whole.
    const large = path.join(stack.dir, 'large.mp4');
    writeFileSync(large, randomBytes(20 * 1024 * 1024));
    const largeKey = `clips/${deviceId}/loading-bay/${startedAt.getTime()}.mp4`;
    expect(await awsWith(c, ['s3', 'cp', large, `s3://edgefleet-clips/${largeKey}`])).toMatchObject({ code: 0 });
    // Another thing's prefix, and a read the policy does not allow: AccessDenied.
    const other = await awsWith(c, ['s3', 'cp', clip, `s3://edgefleet-clips/clips/${otherDeviceId}/front-door/${startedAt.getTime()}.mp4`]);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/AccessDenied/);
    expect((await awsWith(c, ['s3', 'cp', `s3://edgefleet-clips/${key}`, path.join(stack.dir, 'back.mp4')])).stderr).toMatch(/403|AccessDenied|Forbidden/);
    // Package files are not a device's to touch.
    expect((await awsWith(c, ['s3', 'ls', 's3://edgefleet-packages/packages/'])).stderr).toMatch(/AccessDenied/);
    // An altered session token is not one of ours.
    expect((await awsWith({ ...c, sessionToken: `${c.sessionToken.slice(0, -2)}xx` }, ['s3', 'cp', clip, `s3://edgefleet-clips/${key}`])).stderr).toMatch(/InvalidToken/);

    // Operators find it, and it plays: H.264, its length.
    const clips = (await q('query ($d: ID!) { clips(deviceId: $d, camera: "front-door") { edges { node { objectKey camera startedAt sizeBytes uploadedBy url } } } }', { d: deviceId })).clips.edges.map((e: any) => e.node);
    expect(clips).toEqual([{ objectKey: key, camera: 'front-door', startedAt: startedAt.toISOString(), sizeBytes: readFileSync(clip).length, uploadedBy: `thing:${deviceId}`, url: expect.stringContaining('/clips/') }]);
    const probe = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name:format=duration', '-of', 'json', clips[0].url]);
    const probed = JSON.parse(probe.stdout);
    expect(probed.streams[0].codec_name).toBe('h264');
    expect(Math.abs(Number(probed.format.duration) - 2)).toBeLessThan(0.2);
    expect((await q('query ($d: ID!) { clips(deviceId: $d, from: "2000-01-01T00:00:00Z", to: "2000-01-02T00:00:00Z") { edges { node { objectKey } } } }', { d: deviceId })).clips.edges).toEqual([]);
    const parts = (await q('query ($d: ID!) { clips(deviceId: $d, camera: "loading-bay") { edges { node { objectKey sizeBytes sha256 } } } }', { d: deviceId })).clips.edges.map((e: any) => e.node);
    expect(parts).toEqual([{ objectKey: largeKey, sizeBytes: 20 * 1024 * 1024, sha256: createHash('sha256').update(readFileSync(large)).digest('hex') }]);
    // And with the CLI: listed, and downloaded whole.
    const listed = await edgefleet(['clips', 'list', deviceId, '--camera', 'front-door', '-o', 'json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ objectKey: key, camera: 'front-door' })]);
    const download = await edgefleet(['clips', 'get', JSON.parse(listed.stdout)[0].clipId, '--out', path.join(stack.dir, 'downloaded.mp4')]);
    expect(download).toMatchObject({ code: 0, stdout: expect.stringContaining('Wrote') });
    expect(readFileSync(path.join(stack.dir, 'downloaded.mp4')).equals(readFileSync(clip))).toBe(true);

    // Past their expiration: ExpiredToken.
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(c.expiration) - Date.now()) + 500));
    const expired = await awsWith(c, ['s3', 'cp', clip, `s3://edgefleet-clips/${key}`]);
    expect(expired.code).not.toBe(0);
    expect(expired.stderr).toMatch(/ExpiredToken/);
  });

  it('refuses another thing\'s name, a claim certificate, an alias the organization does not have, a suspended organization and a deleted device', async () => {
    expect(await credentials('clips-uploader', otherDeviceId)).toMatchObject({ status: 403, body: { message: expect.stringMatching(/client id must be the thing name/) } });
    expect(await credentials('clips-uploader', null)).toMatchObject({ status: 400 });
    expect(await credentials('no-such-alias')).toMatchObject({ status: 404 });
    // Another organization's alias is not this device's, whatever its name.
    const stranger = dataOf(await gql(stack.url, installationKey, CreateOrganizationDocument, { name: 'stranger' })).createOrganization.adminApiKey;
    await q('mutation ($input: CreateRoleAliasInput!) { createRoleAlias(input: $input) { roleAlias } }', { input: { roleAlias: 'strangers-alias', policyDocument: POLICY } }, stranger);
    expect(await credentials('strangers-alias')).toMatchObject({ status: 404 });
    // The provisioning claim of the bundle (a certificate of the same CA) gets nothing.
    const claimDir = path.join(stack.dir, 'claim');
    expect((await run('unzip', ['-o', '-q', path.join(stack.dir, 'clip-cam.zip'), '-d', claimDir])).code).toBe(0);
    const [claimCert, claimKey] = [BUNDLE_FILES.claimCertificate, BUNDLE_FILES.claimPrivateKey].map((f) => path.join(claimDir, f));
    expect((await credentials('clips-uploader', deviceId, claimCert, claimKey)).status).toBe(403);

    const organizationId = (await q('{ whoami { organizationId } }')).whoami.organizationId;
    await q('mutation ($o: ID!) { suspendOrganization(id: $o) { id } }', { o: organizationId }, installationKey);
    expect(await credentials('clips-uploader')).toMatchObject({ status: 403, body: { message: expect.stringMatching(/suspended/) } });
    await q('mutation ($o: ID!) { resumeOrganization(id: $o) { id } }', { o: organizationId }, installationKey);
    expect((await credentials('clips-uploader')).status).toBe(200);

    await q('mutation ($d: ID!) { deleteDevice(deviceId: $d) { deviceId } }', { d: deviceId });
    await until(() => credentials('clips-uploader'), (r) => r.status !== 200, 30_000);
    expect((await credentials('clips-uploader')).status).toBe(403);
    // Its clips are kept (deleteDevice's deleteClips would have deleted them).
    expect(dataOf(await gql(stack.url, stack.key, 'query ($d: ID!) { clips(deviceId: $d) { edges { node { camera } } } }', { d: deviceId })).clips.edges.map((e: any) => e.node.camera).sort()).toEqual(['front-door', 'loading-bay']);
  });
});
