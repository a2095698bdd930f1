import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, type Stack, type TestCamera, dataOf, gql, startApp, startCamera, startStack, until, uploadPackageFile } from './support';

jest.setTimeout(600_000);

const EXAMPLE = path.join(ROOT, 'examples/clip-recorder');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const PASSWORDS = ['gate-pass-e2e', 'dock-pass-e2e'];
const CLIP_SECONDS = 3;

/**
 * The clip recorder example (seed 002's job as a Panorama application) on a real agent, against two
 * real RTSP cameras: it records clips of both side by side from the frames panoramasdk hands it,
 * encodes them with FFmpeg, and uploads each with its runtime role's temporary credentials (the
 * agent got them from the credentials provider with its certificate); operators list and play them.
 * The code node runs under the agent's process runtime here: an image of the example with FFmpeg
 * in it (its Dockerfile) is 900 MB that this machine would build on every run.
 */
describe('camera clips: the clip recorder uploads per-camera clips with its runtime role, end to end', () => {
  let stack: Stack;
  let cameras: TestCamera[];
  let deviceId = '';
  const q = async (query: string, variables: Record<string, unknown> = {}) => dataOf(await gql(stack.url, stack.key, query, variables));
  const upload = (packageId: string, file: Buffer) => uploadPackageFile(stack.url, stack.key, packageId, file);

  beforeAll(async () => {
    [stack, ...cameras] = await Promise.all([
      startStack('clips', { JOB_SWEEP_MS: '500' }),
      startCamera({ user: 'gate', password: PASSWORDS[0], size: '320x240', fps: 10 }),
      startCamera({ user: 'dock', password: PASSWORDS[1], size: '320x240', fps: 10, pattern: 'smpte' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([stack?.stop(), ...(cameras ?? []).map((c) => c.stop())]);
  });

  it('records clips of both cameras, uploads them to the thing\'s prefix, and they play', async () => {
    // The cameras, as an operator registers them, and the role the application runs with.
    for (const [i, name] of ['gate', 'dock'].entries()) {
      const job = (
        await q(`mutation($p: String!, $u: String!) { createNodeFromTemplateJob(input: {templateType: RTSP_CAMERA_STREAM, outputPackageName: "${name}", outputPackageVersion: "1.0", nodeName: "${name}", templateParameters: {username: "${name}", password: $p, streamUrl: $u}}) { jobId } }`, {
          p: PASSWORDS[i],
          u: cameras[i].url,
        })
      ).createNodeFromTemplateJob;
      await until(() => q('query($j: String!) { nodeFromTemplateJob(jobId: $j) { status } }', { j: job.jobId }), (d) => d.nodeFromTemplateJob.status === 'SUCCEEDED');
    }
    const role = (
      await q('mutation($input: CreateRoleAliasInput!) { createRoleAlias(input: $input) { roleAliasArn } }', { input: { roleAlias: 'clip-recorder', policyDocument: readFileSync(path.join(EXAMPLE, 'policy.json'), 'utf8') } })
    ).createRoleAlias.roleAliasArn;

    // The example's code package, as the process runtime takes it: what Panorama's image has under /panorama.
    const work = path.join(stack.dir, 'clip-recorder');
    mkdirSync(work, { recursive: true });
    copyFileSync(path.join(EXAMPLE, 'application.py'), path.join(work, 'application.py'));
    execFileSync('tar', ['-czf', path.join(work, 'code.tar.gz'), '-C', work, 'application.py']);
    const code = readFileSync(path.join(work, 'code.tar.gz'));
    const descriptor = readFileSync(path.join(EXAMPLE, 'descriptor.json'));
    const manifest = Buffer.from(readFileSync(path.join(EXAMPLE, 'CLIP_RECORDER.package.json'), 'utf8').replace('<code_asset>', sha256(code)).replace('<code_descriptor>', sha256(descriptor)));
    const pkg = (await q('mutation { createPackage(name: "CLIP_RECORDER") { packageId } }')).createPackage.packageId;
    for (const f of [code, descriptor, manifest]) await upload(pkg, f);
    await q('mutation($p: String!, $v: String!) { registerPackageVersion(input: {packageId: $p, packageVersion: "1.0", patchVersion: $v, markLatest: true}) { status } }', { p: pkg, v: sha256(manifest) });

    // A real agent; its code nodes as processes.
    const provisioned = (await q('mutation { provisionDevice(input: {name: "clip-box"}) { deviceId certificates } }')).provisionDevice;
    deviceId = provisioned.deviceId;
    const agentDir = path.join(stack.dir, 'agent');
    mkdirSync(agentDir, { recursive: true });
    writeFileSync(path.join(agentDir, 'bundle.zip'), Buffer.from(provisioned.certificates, 'base64'));
    writeFileSync(path.join(agentDir, 'agent.json'), JSON.stringify({ dataDir: agentDir, bundle: path.join(agentDir, 'bundle.zip'), runtime: 'process', previewPort: 0 }));
    const agent = startApp('edge-agent', { EDGE_AGENT_CONFIG: path.join(agentDir, 'agent.json'), LOG_LEVEL: 'info' });
    stack.running.push(agent);
    await until(() => q('query($id: ID!) { device(deviceId: $id) { deviceConnectionStatus } }', { id: deviceId }), (d) => d.device.deviceConnectionStatus === 'ONLINE');

    // The example's graph with 3-second clips, its camera placeholder replaced by both cameras.
    const account = (await q('{ whoami { accountId } }')).whoami.accountId;
    const graph = readFileSync(path.join(EXAMPLE, 'graph.json'), 'utf8').replaceAll('123456789012', account).replace('"value": 10.0', `"value": ${CLIP_SECONDS}.0`);
    const overrides = JSON.stringify({
      nodeGraphOverrides: {
        envelopeVersion: '2021-01-01',
        packages: ['gate', 'dock'].map((c) => ({ name: `${account}::${c}`, version: '1.0' })),
        nodes: ['gate', 'dock'].map((c) => ({ name: c, interface: `${account}::${c}.${c}`, launch: 'onAppStart' })),
        nodeOverrides: [{ replace: 'camera_node', with: [{ name: 'gate' }, { name: 'dock' }] }],
      },
    });
    const id = (
      await q('mutation($input: CreateApplicationInstanceInput!) { createApplicationInstance(input: $input) { applicationInstanceId } }', {
        input: { name: 'clips', defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: graph }, manifestOverridesPayload: { payloadData: overrides }, runtimeRoleArn: role },
      })
    ).createApplicationInstance.applicationInstanceId;
    const status = await until(
      () => q('query($i: String!) { applicationInstance(applicationInstanceId: $i) { status statusDescription } }', { i: id }),
      (d) => ['DEPLOYMENT_SUCCEEDED', 'DEPLOYMENT_FAILED'].includes(d.applicationInstance.status),
      120_000,
    );
    if (status.applicationInstance.status !== 'DEPLOYMENT_SUCCEEDED') throw new Error(`the deployment failed: ${status.applicationInstance.statusDescription}`);

    // Clips of both cameras appear, under the thing's prefix, put by the thing.
    const clipsOf = async (camera: string) => (await q('query($d: ID!, $c: String) { clips(deviceId: $d, camera: $c) { edges { node { objectKey camera startedAt sizeBytes uploadedBy url } } } }', { d: deviceId, c: camera })).clips.edges.map((e: any) => e.node);
    const logs = async () => (await q('query($i: String!) { applicationInstanceLogs(applicationInstanceId: $i, last: 100) { edges { node { message } } } }', { i: id })).applicationInstanceLogs.edges.map((e: any) => e.node.message as string);
    for (const camera of ['gate', 'dock']) {
      const clips = await until(() => clipsOf(camera), (c) => c.length >= 1, 90_000).catch(async (err: Error) => {
        throw new Error(`${err.message}\nthe application said:\n${(await logs()).join('\n')}`);
      });
      expect(clips[0]).toMatchObject({ camera, objectKey: expect.stringMatching(new RegExp(`^clips/${deviceId}/${camera}/\\d+\\.mp4$`)), uploadedBy: `thing:${deviceId}` });
      // It plays: H.264, as long as the clip was set to be (within 10 %).
      const probed = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height:format=duration', '-of', 'json', clips[0].url], { encoding: 'utf8' }));
      expect(probed.streams[0]).toMatchObject({ codec_name: 'h264', width: 320, height: 240 });
      expect(Math.abs(Number(probed.format.duration) - CLIP_SECONDS)).toBeLessThanOrEqual(CLIP_SECONDS * 0.1);
    }

    // The cameras' passwords are in no log, clip, shadow or answer.
    const clip = Buffer.from(await (await fetch((await clipsOf('gate'))[0].url)).arrayBuffer());
    const seen = [
      agent.output(),
      ...stack.running.map((p) => p.output()),
      (await logs()).join('\n'),
      JSON.stringify(await q('query($d: ID!) { deviceLogs(deviceId: $d, last: 100) { edges { node { message } } } }', { d: deviceId })),
      JSON.stringify(await q('query($d: ID!) { system: deviceShadow(deviceId: $d, shadowName: "system") applications: deviceShadow(deviceId: $d, shadowName: "applications") }', { d: deviceId })),
      JSON.stringify(await q('query($d: ID!) { clips(deviceId: $d) { edges { node { objectKey url uploadedBy } } } }', { d: deviceId })),
      clip.toString('latin1'),
    ].join('\n');
    for (const password of PASSWORDS) expect(seen).not.toContain(password);
    // Nor the credentials' secrets: the agent keeps them in memory and says only which key it got.
    expect(agent.output()).not.toMatch(/secretAccessKey|sessionToken/);
  });
});
