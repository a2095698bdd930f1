import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { ROOT, type Stack, type TestCamera, dataOf, gql, startApp, startCamera, startStack, until, uploadPackageFile } from './support';

jest.setTimeout(600_000);

const FIXTURES = path.join(__dirname, 'fixtures/panorama');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const PASSWORD = 'door-pass-e2e';

/**
 * The guide's sample application on a real agent with the container runtime, against a real
 * RTSP camera: the agent opens the camera (its credentials never enter the container), decodes it
 * with FFmpeg, hands the frames to the code through panoramasdk, and runs the ONNX model node in
 * ONNX Runtime; the camera's status follows the stream (lost, back), and PAUSE closes its session.
 */
describe('the vision data plane: a real camera, a model that infers, panoramasdk in a container', () => {
  let stack: Stack;
  let camera: TestCamera;
  let id = '';
  const q = async (query: string, variables: Record<string, unknown> = {}) => dataOf(await gql(stack.url, stack.key, query, variables));
  const upload = (packageId: string, file: Buffer) => uploadPackageFile(stack.url, stack.key, packageId, file);
  const register = async (name: string, files: Buffer[], manifest: Buffer) => {
    const pkg = (await q('mutation($n: String!) { createPackage(name: $n) { packageId } }', { n: name })).createPackage.packageId;
    for (const f of [...files, manifest]) await upload(pkg, f);
    await q('mutation($p: String!, $v: String!) { registerPackageVersion(input: {packageId: $p, packageVersion: "1.0", patchVersion: $v, markLatest: true}) { status } }', { p: pkg, v: sha256(manifest) });
  };

  beforeAll(async () => {
    execFileSync('sh', [path.join(ROOT, 'infra/scripts/panorama-base-image.sh')], { stdio: 'inherit' });
    [stack, camera] = await Promise.all([startStack('vision', { JOB_SWEEP_MS: '500' }), startCamera({ user: 'door', password: PASSWORD, size: '640x480' })]);
  });
  afterAll(async () => {
    await Promise.all([stack?.stop(), camera?.stop()]);
    // Containers outlive their agent (it adopts them when it comes back): a failed run leaves none behind.
    const docker = new Docker();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`com.edgefleet.application-instance=${id}`] } })) await docker.getContainer(c.Id).remove({ force: true });
  });

  it("classifies a real camera's frames with the guide's sample, follows the camera lost and back, and pauses its stream", async () => {
    // The camera, as an operator registers it.
    const job = (
      await q(`mutation { createNodeFromTemplateJob(input: {templateType: RTSP_CAMERA_STREAM, outputPackageName: "exterior-south", outputPackageVersion: "1.0", nodeName: "exterior-south", templateParameters: {username: "door", password: "${PASSWORD}", streamUrl: "${camera.url}"}}) { jobId } }`)
    ).createNodeFromTemplateJob;
    await until(() => q('query($j: String!) { nodeFromTemplateJob(jobId: $j) { status } }', { j: job.jobId }), (d) => d.nodeFromTemplateJob.status === 'SUCCEEDED');

    // The model package: the guide's, its model exported to ONNX (a small classifier made here).
    const work = path.join(stack.dir, 'vision');
    mkdirSync(work, { recursive: true });
    execFileSync('/usr/bin/python3', [path.join(FIXTURES, 'make-model.py'), path.join(work, 'model.onnx')]);
    execFileSync('tar', ['-czf', path.join(work, 'model.tar.gz'), '-C', work, 'model.onnx']);
    const model = readFileSync(path.join(work, 'model.tar.gz'));
    const modelDescriptor = Buffer.from(JSON.stringify({ mlModelDescriptor: { envelopeVersion: '2021-01-01', framework: 'ONNX', inputs: [{ name: 'data', shape: [1, 3, 224, 224] }] } }));
    const modelManifest = Buffer.from(readFileSync(path.join(FIXTURES, 'SQUEEZENET_PYTORCH_V1.package.json'), 'utf8').replace('<model_asset>', sha256(model)).replace('<model_descriptor>', sha256(modelDescriptor)));
    await register('SQUEEZENET_PYTORCH_V1', [model, modelDescriptor], modelManifest);

    // The code package: a container built FROM the Panorama base image (numpy and panoramasdk in it), exported as panorama-cli does.
    copyFileSync(path.join(FIXTURES, 'vision-app', 'application.py'), path.join(work, 'application.py'));
    writeFileSync(path.join(work, 'Dockerfile'), 'FROM public.ecr.aws/panorama/panorama-application\nCOPY application.py /panorama/application.py\n');
    execFileSync('docker', ['build', '-q', '-t', 'edgefleet-e2e/vision-code', work], { stdio: 'ignore' });
    const created = execFileSync('docker', ['create', 'edgefleet-e2e/vision-code'], { encoding: 'utf8' }).trim();
    execFileSync('sh', ['-c', `docker export ${created} | gzip -1 > ${path.join(work, 'code.tar.gz')} && docker rm ${created} >/dev/null`]);
    const code = readFileSync(path.join(work, 'code.tar.gz'));
    const codeDescriptor = readFileSync(path.join(FIXTURES, 'SAMPLE_CODE.descriptor.json'));
    const codeManifest = Buffer.from(readFileSync(path.join(FIXTURES, 'SAMPLE_CODE.package.json'), 'utf8').replace('<code_asset>', sha256(code)).replace('<code_descriptor>', sha256(codeDescriptor)));
    await register('SAMPLE_CODE', [code, codeDescriptor], codeManifest);

    // A real agent with the container runtime (containers without a network: the SDK's socket is mounted).
    const { deviceId, certificates } = (await q('mutation { provisionDevice(input: {name: "vision-cam"}) { deviceId certificates } }')).provisionDevice;
    const agentDir = path.join(stack.dir, 'agent');
    mkdirSync(agentDir, { recursive: true });
    writeFileSync(path.join(agentDir, 'bundle.zip'), Buffer.from(certificates, 'base64'));
    writeFileSync(path.join(agentDir, 'agent.json'), JSON.stringify({ dataDir: agentDir, bundle: path.join(agentDir, 'bundle.zip'), runtime: 'container', containerNetwork: 'none', previewPort: 0 }));
    const agent = startApp('edge-agent', { EDGE_AGENT_CONFIG: path.join(agentDir, 'agent.json'), LOG_LEVEL: 'info' });
    stack.running.push(agent);
    await until(() => q('query($id: ID!) { device(deviceId: $id) { deviceConnectionStatus } }', { id: deviceId }), (d) => d.device.deviceConnectionStatus === 'ONLINE');

    // The guide's sample manifest whole (code, model, camera, HDMI output), its camera chosen.
    const account = (await q('{ whoami { accountId } }')).whoami.accountId;
    const graph = readFileSync(path.join(FIXTURES, 'graph.json'), 'utf8').replaceAll('123456789012', account);
    const overrides = readFileSync(path.join(FIXTURES, 'overrides.json'), 'utf8').replaceAll('123456789012', account);
    id = (
      await q('mutation($input: CreateApplicationInstanceInput!) { createApplicationInstance(input: $input) { applicationInstanceId } }', {
        input: { name: 'sample', defaultRuntimeContextDevice: deviceId, manifestPayload: { payloadData: graph }, manifestOverridesPayload: { payloadData: overrides } },
      })
    ).createApplicationInstance.applicationInstanceId;
    const instance = () =>
      q('query($i: String!) { applicationInstance(applicationInstanceId: $i) { status healthStatus statusDescription } applicationInstanceNodeInstances(applicationInstanceId: $i) { nodeInstanceId currentStatus statusReason } }', { i: id });
    const nodes = (d: any) => Object.fromEntries(d.applicationInstanceNodeInstances.map((n: any) => [n.nodeInstanceId, n.currentStatus]));
    const running = await until(instance, (d) => d.applicationInstance.status === 'DEPLOYMENT_FAILED' || (d.applicationInstance.status === 'DEPLOYMENT_SUCCEEDED' && nodes(d).my_camera === 'RUNNING' && nodes(d).code_node === 'RUNNING'), 180_000);
    expect(running.applicationInstance).toMatchObject({ status: 'DEPLOYMENT_SUCCEEDED', healthStatus: 'RUNNING' });
    expect(nodes(running)).toEqual({ code_node: 'RUNNING', model_node: 'RUNNING', my_camera: 'RUNNING', output_node: 'NOT_AVAILABLE' });

    // Its log: frames from the camera classified by the model.
    const logs = async () => (await q('query($i: String!) { applicationInstanceLogs(applicationInstanceId: $i, nodeName: "code_node", last: 100) { edges { node { message } } } }', { i: id })).applicationInstanceLogs.edges.map((e: any) => e.node.message as string);
    const classified = (lines: string[]) => lines.filter((l) => /frame \d+ my_camera 640x480: Class \[\w+\] 0\.\d{3}/.test(l)).length;
    await until(logs, (l) => classified(l) >= 2, 60_000);

    // The HDMI output without a display: the device serves the frames the code put, labels and box drawn, on 127.0.0.1.
    const previewUrl = JSON.parse(agent.output().split('\n').find((l) => l.includes('"video output preview"'))!).url as string;
    const outputs = (await (await fetch(previewUrl)).json()) as { applicationInstanceId: string; streamId: string; jpeg: string; mjpeg: string }[];
    expect(outputs).toEqual([expect.objectContaining({ applicationInstanceId: id, streamId: 'my_camera' })]);
    const jpeg = await fetch(new URL(outputs[0].jpeg, previewUrl));
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect(JSON.parse(jpeg.headers.get('x-labels')!)).toEqual([expect.stringMatching(/^Class \[\w+\], with probability 0\.\d{3}\.$/), expect.stringMatching(/^Class \[/)]);
    const image = Buffer.from(await jpeg.arrayBuffer());
    writeFileSync(path.join(work, 'preview.jpg'), image);
    expect(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', path.join(work, 'preview.jpg')], { encoding: 'utf8' }).trim()).toBe('mjpeg,640,480');
    const mjpeg = await fetch(new URL(outputs[0].mjpeg, previewUrl));
    expect(mjpeg.headers.get('content-type')).toBe('multipart/x-mixed-replace; boundary=edgefleet-frame');
    const reader = mjpeg.body!.getReader();
    let streamed = Buffer.alloc(0);
    while ((streamed.toString('latin1').match(/--edgefleet-frame/g) ?? []).length < 2) streamed = Buffer.concat([streamed, Buffer.from((await reader.read()).value!)]);
    await reader.cancel();

    // Snapshots, on demand: the console's "last frame". Off by default: nothing was sent until now.
    const lastFrame = async () => (await q('query($i: String!) { applicationInstanceLastFrame(applicationInstanceId: $i) { streamId capturedAt labels jpegBase64 } }', { i: id })).applicationInstanceLastFrame;
    expect(await lastFrame()).toBeNull();
    const snapshots = (seconds: number) => gql(stack.url, stack.key, 'mutation($i: String!, $s: Int!) { setApplicationInstanceSnapshots(applicationInstanceId: $i, intervalSeconds: $s) { snapshotIntervalSeconds } }', { i: id, s: seconds });
    expect((await snapshots(3)).errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'intervalSeconds' });
    expect(dataOf(await snapshots(5)).setApplicationInstanceSnapshots.snapshotIntervalSeconds).toBe(5);
    const snapshot = await until(lastFrame, (f) => f !== null, 30_000);
    expect(snapshot).toMatchObject({ streamId: 'my_camera', labels: [expect.stringMatching(/^Class \[\w+\], with probability/), expect.stringMatching(/^Class \[/)] });
    expect(Buffer.from(snapshot.jpegBase64, 'base64').subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    dataOf(await snapshots(0));
    expect(await lastFrame()).toBeNull();
    // Off again: the device stops sending (and a frame sent meanwhile would be refused, not kept).
    await new Promise((r) => setTimeout(r, 7000));
    expect(await lastFrame()).toBeNull();
    const system = async () => (await q('query($d: ID!) { deviceShadow(deviceId: $d, shadowName: "system") }', { d: deviceId })).deviceShadow.state.reported.cameras;
    expect(await until(system, (c) => c?.[0]?.status === 'STREAMING')).toEqual([{ name: 'my_camera', status: 'STREAMING', since: expect.any(String) }]);

    // The camera lost: CONNECTION_ERROR within 10 s, the application keeps running on cached frames.
    await camera.stop();
    const lost = await until(system, (c) => c?.[0]?.status === 'CONNECTION_ERROR', 10_000);
    expect(lost[0].reason).toBeTruthy();
    const failing = await until(instance, (d) => nodes(d).my_camera === 'ERROR', 10_000);
    expect(failing.applicationInstanceNodeInstances.find((n: any) => n.nodeInstanceId === 'my_camera').statusReason).toBe('CONNECTION_ERROR');
    expect(nodes(failing).code_node).toBe('RUNNING');
    await until(logs, (l: string[]) => l.some((m) => /frame \d+ of my_camera is cached/.test(m)), 30_000);

    // Back: STREAMING within 10 s, and frames flow again.
    const before = classified(await logs());
    await camera.start();
    await until(system, (c) => c?.[0]?.status === 'STREAMING', 10_000);
    await until(logs, (l: string[]) => l.slice(-20).some((m) => /frame \d+ my_camera 640x480: Class/.test(m)), 30_000);
    expect(before).toBeGreaterThan(0);

    // PAUSE on the camera node closes its RTSP session; RESUME opens it again.
    const signal = (s: string) => q(`mutation($i: String!) { signalApplicationInstanceNodeInstances(applicationInstanceId: $i, nodeSignals: [{nodeInstanceId: "my_camera", signal: ${s}}]) { applicationInstanceId } }`, { i: id });
    const open = camera.sessions();
    await signal('PAUSE');
    await until(async () => camera.sessions(), (s) => s.closed > open.closed, 10_000);
    await until(instance, (d) => nodes(d).my_camera === 'PAUSED');
    await signal('RESUME');
    await until(async () => camera.sessions(), (s) => s.connected > open.connected, 10_000);
    await until(instance, (d) => nodes(d).my_camera === 'RUNNING', 10_000);

    // The camera's password is in no log, shadow or container.
    const shadows = await q('query($d: ID!) { system: deviceShadow(deviceId: $d, shadowName: "system") apps: deviceShadow(deviceId: $d, shadowName: "applications") }', { d: deviceId });
    expect(JSON.stringify(shadows) + (await logs()).join('\n') + agent.output()).not.toContain(PASSWORD);
    const docker = new Docker();
    const [container] = await docker.listContainers({ filters: { label: [`com.edgefleet.application-instance=${id}`] } });
    const inspected = JSON.stringify(await docker.getContainer(container.Id).inspect());
    expect(inspected).not.toContain(PASSWORD);
    expect(inspected).not.toContain('door');

    // Removal: the container goes, and the camera's session with it.
    const sessions = camera.sessions();
    await q('mutation($i: String!) { removeApplicationInstance(applicationInstanceId: $i) { status } }', { i: id });
    await until(instance, (d) => d.applicationInstance.status === 'REMOVAL_SUCCEEDED', 60_000);
    await until(async () => camera.sessions(), (s) => s.closed > sessions.closed, 10_000);
    expect(await docker.listContainers({ all: true, filters: { label: [`com.edgefleet.application-instance=${id}`] } })).toEqual([]);
  });
});
