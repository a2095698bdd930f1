/**
 * @jest-environment ./e2e/support/typed-arrays.environment.js
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { InstanceSpec } from '@edgefleet/contracts';
import { ROOT, type TestCamera, eventually, startCamera } from '@edgefleet/e2e-support';
import type { InstanceLaunch } from '../applications/application.runtime';
import { configOf } from '../applications/node.config';
import { type Camera, CameraHub } from './camera.hub';
import { Model } from './model.runtime';
import { SDK_PYTHON_DIR, VisionPlane } from './vision.plane';

jest.setTimeout(120_000);

const dir = mkdtempSync(path.join(tmpdir(), 'edgefleet-vision-'));
const MAKE_MODEL = path.join(ROOT, 'e2e/fixtures/panorama/make-model.py');
function model(name: string, shape = '1,3,224,224'): string {
  const file = path.join(dir, name);
  execFileSync('/usr/bin/python3', [MAKE_MODEL, file, '--input-shape', shape]);
  return file;
}
function descriptor(framework: string, shape = [1, 3, 224, 224]): string {
  const file = path.join(dir, `${framework}-${shape.join('x')}.json`);
  writeFileSync(file, JSON.stringify({ mlModelDescriptor: { envelopeVersion: '2021-01-01', framework, inputs: [{ name: 'data', shape }] } }));
  return file;
}
const statusOf = (camera: Camera, status: string, ms = 10_000) => eventually(async () => camera.state, (s) => s.status === status, ms);

describe('cameras as the agent reads them: statuses from the real stream', () => {
  let camera: TestCamera;
  const hub = new CameraHub();
  beforeAll(async () => (camera = await startCamera({ user: 'cam', password: 's3cret!' })));
  afterAll(async () => {
    hub.closeAll();
    await camera.stop();
  });

  it('streams decoded frames, is lost and back within 10 s both ways, and closes its RTSP session when released', async () => {
    const cam = hub.acquire('door', { streamUrl: camera.url, username: 'cam', password: 's3cret!' }, 'a');
    // A second reader shares the stream: one RTSP session.
    expect(hub.acquire('door', { streamUrl: camera.url, username: 'cam', password: 's3cret!' }, 'b')).toBe(cam);
    expect((await statusOf(cam, 'STREAMING')).status).toBe('STREAMING');
    await eventually(async () => cam.latest, (f) => !!f);
    expect(cam.latest).toMatchObject({ width: 320, height: 240 });
    expect(cam.latest!.data.length).toBe(320 * 240 * 3);
    expect(camera.sessions().connected).toBe(1);
    expect(hub.report()).toEqual([{ name: 'door', status: 'STREAMING', since: expect.any(String) }]);

    await camera.stop();
    const lost = await statusOf(cam, 'CONNECTION_ERROR');
    expect(lost.status).toBe('CONNECTION_ERROR');
    expect(JSON.stringify(lost)).not.toContain('s3cret');
    await camera.start();
    expect((await statusOf(cam, 'STREAMING')).status).toBe('STREAMING');
    const back = camera.sessions();

    hub.release(cam, 'a');
    await new Promise((r) => setTimeout(r, 500));
    expect(camera.sessions().closed).toBe(back.closed); // still read by b
    hub.release(cam, 'b');
    await eventually(async () => camera.sessions(), (s) => s.closed === back.closed + 1);
    expect(camera.sessions().closed).toBe(back.closed + 1);
    expect(hub.report()).toEqual([]);
  });

  it('says AUTH_FAILED for a wrong password and CONNECTION_ERROR for a port nobody listens on, without the credentials', async () => {
    const wrong = hub.acquire('wrong', { streamUrl: camera.url, username: 'cam', password: 'not-it' }, 'a');
    const auth = await statusOf(wrong, 'AUTH_FAILED');
    expect(auth).toMatchObject({ status: 'AUTH_FAILED', reason: 'the camera refused the credentials (401)' });
    const nobody = hub.acquire('nobody', { streamUrl: 'rtsp://127.0.0.1:9/live', username: 'u', password: 'hidden-pass' }, 'a');
    const refused = await statusOf(nobody, 'CONNECTION_ERROR');
    expect(refused.reason).toMatch(/Connection refused/);
    expect(JSON.stringify(hub.report())).not.toMatch(/not-it|hidden-pass/);
    hub.release(wrong, 'a');
    hub.release(nobody, 'a');
  });
});

describe('models in ONNX Runtime, as a model node runs them', () => {
  it('infers as ONNX Runtime does on the same model, and says precisely why a model cannot run', async () => {
    const file = model('classifier.onnx');
    const loaded = await Model.load('model_node', file, descriptor('ONNX'), path.join(dir, 'm1'));
    const input = new Float32Array(3 * 224 * 224).map((_, i) => (i % 7) / 7);
    const [out] = await loaded.infer([{ name: 'data', dtype: 'float32', shape: [1, 3, 224, 224], data: Buffer.from(input.buffer) }]);
    const direct = await (await ort.InferenceSession.create(file)).run({ data: new ort.Tensor('float32', input, [1, 3, 224, 224]) });
    expect(out).toMatchObject({ name: 'prob', dtype: 'float32', shape: [1, 5] });
    expect([...new Float32Array(out.data.buffer.slice(out.data.byteOffset, out.data.byteOffset + out.data.length))]).toEqual([...(direct.prob.data as Float32Array)]);
    await expect(loaded.infer([{ name: 'data', dtype: 'float32', shape: [1, 3, 2, 2], data: Buffer.alloc(10) }])).rejects.toThrow('input data: shape [1, 3, 2, 2] needs 48 bytes; 10 came');

    // A model in a tar.gz, as Panorama's model assets are.
    execFileSync('tar', ['-czf', path.join(dir, 'model.tar.gz'), '-C', dir, 'classifier.onnx']);
    expect((await Model.load('m', path.join(dir, 'model.tar.gz'), descriptor('ONNX'), path.join(dir, 'm2'))).inputNames).toEqual(['data']);

    await expect(Model.load('m', file, descriptor('PYTORCH'), path.join(dir, 'm3'))).rejects.toThrow(
      'framework PYTORCH: this device runs ONNX models (ONNX Runtime): export it to ONNX (torch.onnx.export, tf2onnx) and register it with framework ONNX',
    );
    writeFileSync(path.join(dir, 'broken.onnx'), 'not a model');
    await expect(Model.load('m', path.join(dir, 'broken.onnx'), descriptor('ONNX'), path.join(dir, 'm4'))).rejects.toThrow(/^the model does not load in ONNX Runtime: /);
    await expect(Model.load('m', file, descriptor('ONNX', [1, 3, 299, 299]), path.join(dir, 'm5'))).rejects.toThrow('input data has shape [1, 3, 224, 224] in the model; the descriptor says [1, 3, 299, 299]');
  });
});

describe('panoramasdk in application code, through the vision plane', () => {
  let cameras: TestCamera[];
  beforeAll(async () => (cameras = await Promise.all([startCamera({ size: '320x240' }), startCamera({ size: '640x480', pattern: 'smpte' })])));
  afterAll(() => Promise.all(cameras.map((c) => c.stop())));

  it('hands a node the newest frames of two cameras read in parallel, runs its model, takes its output; PAUSE closes a camera', async () => {
    const modelFile = model('sdk.onnx');
    const files: Record<string, string> = {};
    const sha = (f: string) => {
      const h = createHash('sha256').update(readFileSync(f)).digest('hex');
      files[h] = f;
      return h;
    };
    const node = (n: Partial<InstanceSpec['nodes'][number]>) => ({ interface: 'x', launch: 'onAppStart', value: null, streamUrl: null, asset: null, descriptor: null, category: 'business_logic', name: 'n', ...n });
    const spec: InstanceSpec = {
      revision: '0'.repeat(16),
      name: 'sdk',
      replaces: null,
      packages: [],
      files: {},
      nodes: [
        node({ name: 'code_node' }),
        node({ name: 'model_node', category: 'ml_model', asset: sha(modelFile), descriptor: sha(descriptor('ONNX')) }),
        node({ name: 'cam_a', category: 'media_source', streamUrl: cameras[0].url }),
        node({ name: 'cam_b', category: 'media_source', streamUrl: cameras[1].url }),
        node({ name: 'threshold', category: 'parameter', value: 0.4 }),
      ],
      edges: [
        { producer: 'cam_a.video_out', consumer: 'code_node.video_in' },
        { producer: 'cam_b.video_out', consumer: 'code_node.video_in' },
        { producer: 'threshold', consumer: 'code_node.threshold' },
      ],
      ports: [],
      signals: {},
    };
    const outputs: { streamId: string; labels: unknown[] }[] = [];
    const lines: string[] = [];
    const launch: InstanceLaunch = { applicationInstanceId: 'applicationInstance-sdk', spec, file: async (h) => files[h], cameras: new Map(), log: (_n, line) => lines.push(line), changed: () => undefined };
    const plane = new VisionPlane(path.join(dir, 'agent'), { put: (_id, frames) => outputs.push(...frames), drop: () => undefined });
    const vision = await plane.attach(launch, new Set());
    try {
      await eventually(async () => vision.nodes(), (n) => n.cam_a?.currentStatus === 'RUNNING' && n.cam_b?.currentStatus === 'RUNNING');
      expect(vision.nodes()).toEqual({ cam_a: { currentStatus: 'RUNNING' }, cam_b: { currentStatus: 'RUNNING' }, model_node: { currentStatus: 'RUNNING' } });
      const config = path.join(dir, 'node.json');
      writeFileSync(config, JSON.stringify(configOf(launch, spec.nodes[0])));
      const script = `
import panoramasdk, numpy
node = panoramasdk.node()
print('threshold', node.inputs.threshold.get())
for i in range(3):
    streams = node.inputs.video_in.get()
    print('streams', sorted((s.stream_id, s.image.shape, s.image.dtype.name) for s in streams))
    data = numpy.zeros((1, 3, 224, 224), dtype=numpy.float32)
    (prob,) = node.call({'data': data}, 'model_node')
    print('prob', prob.shape, round(float(prob.sum()), 3))
    for s in streams:
        s.add_label('hello', 0.1, 0.1)
    node.outputs.video_out.put(streams)
try:
    node.call({'data': data}, 'nope')
except RuntimeError as e:
    print('error', e)
`;
      // Not spawnSync: the agent's side of the socket runs in this process.
      const run = () => promisify(execFile)('python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: SDK_PYTHON_DIR, EDGEFLEET_NODE_CONFIG: config, PANORAMA_SDK_SOCKET: vision.socketPath('code_node') } });
      const r = await run();
      expect(r.stderr).toBe('');
      const out = r.stdout.trim().split('\n');
      expect(out[0]).toBe('threshold 0.4');
      expect(out.filter((l) => l.startsWith('streams'))).toEqual(Array(3).fill("streams [('cam_a', (240, 320, 3), 'uint8'), ('cam_b', (480, 640, 3), 'uint8')]"));
      expect(out.filter((l) => l.startsWith('prob'))).toEqual(Array(3).fill('prob (1, 5) 1.0'));
      expect(out.at(-1)).toBe('error no model node nope in this application');
      expect(outputs).toHaveLength(6);
      expect(outputs[0].labels).toEqual([['hello', 0.1, 0.1]]);

      // PAUSE on a camera node closes its RTSP session: its frames stop reaching the code; RESUME opens it again.
      const before = cameras[1].sessions();
      vision.signal('cam_b', 'PAUSE');
      await eventually(async () => cameras[1].sessions(), (s) => s.closed === before.closed + 1);
      expect(vision.nodes().cam_b).toEqual({ currentStatus: 'PAUSED' });
      expect((await run()).stdout).toContain("streams [('cam_a', (240, 320, 3), 'uint8')]");
      vision.signal('cam_b', 'RESUME');
      await eventually(async () => vision.nodes(), (n) => n.cam_b?.currentStatus === 'RUNNING');
      expect(cameras[1].sessions().connected).toBe(before.connected + 1);
    } finally {
      await vision.close();
    }
    expect(plane.cameras.report()).toEqual([]);
  });
});
