import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InstanceSpec } from '@edgefleet/contracts';
import type { InstanceLaunch, NodeStatus } from '../applications/application.runtime';
import { type Camera, CameraHub, type CameraState } from './camera.hub';
import { Model } from './model.runtime';
import { type OutputFrame, SdkServer } from './sdk.server';

type Node = InstanceSpec['nodes'][number];
/** The longest path a Unix socket may have (sun_path holds 108 bytes with the final NUL). */
const MAX_SOCKET_PATH = 107;

/** Where `panoramasdk` (Python) is, for the process runtime's PYTHONPATH and the containers' mount. */
export const SDK_PYTHON_DIR = path.resolve(__dirname, '../../python');
/** Inside a container: the SDK's socket directory and the SDK itself. */
export const CONTAINER_SOCKET_DIR = '/run/panorama';
export const CONTAINER_SDK_DIR = '/opt/edgefleet/python';

/** The last frame an application put on an output, per instance and stream (the device's preview). */
export interface OutputSink {
  put(applicationInstanceId: string, frames: OutputFrame[]): void;
  drop(applicationInstanceId: string): void;
}

/**
 * The device's vision data plane: camera streams opened by the agent (once per camera, however
 * many instances read it), models loaded in ONNX Runtime, and a `panoramasdk` socket per code node
 * that hands the nodes their cameras' newest frames and runs their models.
 */
export class VisionPlane {
  readonly cameras = new CameraHub();

  constructor(
    private readonly dataDir: string,
    private readonly sink?: OutputSink,
  ) {}

  /** The instance's cameras opened (paused ones not), its models loaded, its code nodes' sockets listening. */
  async attach(launch: InstanceLaunch, paused: Set<string>): Promise<InstanceVision> {
    const vision = new InstanceVision(launch, this.cameras, { models: path.join(this.dataDir, 'apps', launch.applicationInstanceId), sockets: path.join(this.dataDir, 'sdk') }, this.sink);
    try {
      await vision.open(paused);
    } catch (err) {
      await vision.close();
      throw err;
    }
    return vision;
  }
}

export class InstanceVision {
  private readonly opened = new Map<string, Camera>();
  private readonly models = new Map<string, Model | Error>();
  private readonly servers = new Map<string, SdkServer>();
  private readonly statuses: Record<string, NodeStatus> = {};

  constructor(
    private readonly launch: InstanceLaunch,
    private readonly hub: CameraHub,
    private readonly dirs: { models: string; sockets: string },
    private readonly sink?: OutputSink,
  ) {}

  private get spec(): InstanceSpec {
    return this.launch.spec;
  }

  /** Cameras (with a stream chosen) and models are this plane's nodes. */
  handles(name: string): boolean {
    const node = this.spec.nodes.find((n) => n.name === name);
    return !!node && ((node.category === 'media_source' && !!node.streamUrl) || node.category === 'ml_model');
  }

  async open(paused: Set<string>): Promise<void> {
    for (const node of this.spec.nodes) {
      if (node.category === 'media_source' && node.streamUrl) {
        if (paused.has(node.name)) this.statuses[node.name] = { currentStatus: 'PAUSED' };
        else this.openCamera(node);
      } else if (node.category === 'ml_model') await this.loadModel(node);
    }
    for (const node of this.spec.nodes.filter((n) => n.category === 'business_logic')) {
      const server = new SdkServer(this.socketPath(node.name), {
        cameras: (port) => this.camerasOn(node.name, port),
        model: (name) => this.models.get(name),
        output: (_port, frames) => this.sink?.put(this.launch.applicationInstanceId, frames),
        credentials: () => this.launch.credentials?.() ?? Promise.reject(new Error('this runtime gives no credentials')),
      });
      await server.listen();
      this.servers.set(node.name, server);
    }
  }

  /**
   * The node's SDK socket on the device (its directory is what a container mounts): a short path,
   * since a Unix socket's holds at most 107 bytes; under the system's temporary folder when the
   * data dir is too long for it.
   */
  socketPath(node: string): string {
    const key = createHash('sha256').update(`${this.launch.applicationInstanceId}/${node}`).digest('hex').slice(0, 16);
    const inDataDir = path.join(this.dirs.sockets, key, 'sdk.sock');
    return Buffer.byteLength(inDataDir) <= MAX_SOCKET_PATH ? inDataDir : path.join(tmpdir(), `edgefleet-sdk-${key}`, 'sdk.sock');
  }

  nodes(): Record<string, NodeStatus> {
    return { ...this.statuses };
  }

  /** PAUSE closes the camera's RTSP session; RESUME opens it again. */
  signal(name: string, signal: 'PAUSE' | 'RESUME'): void {
    const node = this.spec.nodes.find((n) => n.name === name);
    if (node?.category !== 'media_source' || !node.streamUrl) return;
    const camera = this.opened.get(name);
    if (signal === 'PAUSE') {
      if (camera) this.hub.release(camera, this.reader(name));
      this.opened.delete(name);
      this.statuses[name] = { currentStatus: 'PAUSED' };
    } else if (!camera) this.openCamera(node);
    this.launch.changed();
  }

  async close(): Promise<void> {
    for (const [name, camera] of this.opened) this.hub.release(camera, this.reader(name));
    this.opened.clear();
    await Promise.all([...this.servers.values()].map((s) => s.close()));
    this.servers.clear();
    for (const m of this.models.values()) if (!(m instanceof Error)) await m.release().catch(() => undefined);
    this.models.clear();
    this.sink?.drop(this.launch.applicationInstanceId);
  }

  private reader(node: string): string {
    return `${this.launch.applicationInstanceId}/${node}`;
  }

  private openCamera(node: Node): void {
    const credentials = this.launch.cameras.get(node.name);
    const camera = this.hub.acquire(node.name, { streamUrl: node.streamUrl!, username: credentials?.username, password: credentials?.password }, this.reader(node.name));
    this.opened.set(node.name, camera);
    const follow = (state: CameraState) => {
      if (this.opened.get(node.name) !== camera) return void camera.off('status', follow);
      const was = this.statuses[node.name];
      this.statuses[node.name] = cameraNodeStatus(state);
      if (was && was.currentStatus !== this.statuses[node.name].currentStatus) this.launch.log(node.name, `camera ${node.name}: ${state.status}${state.reason ? ` (${state.reason})` : ''}`);
      this.launch.changed();
    };
    camera.on('status', follow);
    this.statuses[node.name] = cameraNodeStatus(camera.state);
  }

  private async loadModel(node: Node): Promise<void> {
    try {
      if (!node.asset || !node.descriptor) throw new Error('its package has no model asset');
      const [asset, descriptor] = [await this.launch.file(node.asset), await this.launch.file(node.descriptor)];
      this.models.set(node.name, await Model.load(node.name, asset, descriptor, path.join(this.dirs.models, node.name, 'model')));
      this.statuses[node.name] = { currentStatus: 'RUNNING' };
    } catch (err) {
      const reason = (err as Error).message;
      this.models.set(node.name, new Error(reason));
      this.statuses[node.name] = { currentStatus: 'ERROR', reason };
      this.launch.log(node.name, `model ${node.name}: ${reason}`);
    }
  }

  /** The cameras whose edges reach the node's input port, open now. */
  private camerasOn(node: string, port: string): Camera[] {
    const cameras: Camera[] = [];
    for (const e of this.spec.edges) {
      if (e.consumer !== `${node}.${port}`) continue;
      const camera = this.opened.get(e.producer.split('.')[0]);
      if (camera) cameras.push(camera);
    }
    return cameras;
  }
}

/** A camera node's status from its stream: RUNNING while it streams, ERROR saying how it fails. */
function cameraNodeStatus(state: CameraState): NodeStatus {
  if (state.status === 'STREAMING') return { currentStatus: 'RUNNING' };
  if (state.status === 'CONNECTING') return { currentStatus: 'NOT_AVAILABLE', reason: 'CONNECTING' };
  return { currentStatus: 'ERROR', reason: state.status };
}
