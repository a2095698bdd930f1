import type Docker from 'dockerode';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type IncomingMessage, get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { PassThrough, type Readable, Transform } from 'node:stream';
import { createInterface } from 'node:readline';
import type { InstanceSpec } from '@edgefleet/contracts';
import { createOptionsSchema } from '@edgefleet/domain';
import { type ApplicationRuntime, type InstanceLaunch, type NodeStatus, type RunningInstance, type RuntimeReport, SETTLE_MS, TAIL_LINES, passiveStatus, restartBackoffMs } from './application.runtime';
import { type EngineInfo, probeEngine } from './docker.engine';
import { configOf } from './node.config';
import { CONTAINER_SDK_DIR, CONTAINER_SOCKET_DIR, type InstanceVision, SDK_PYTHON_DIR, type VisionPlane } from '../vision/vision.plane';

/** Where a node finds its configuration (parameters, its cameras' names, ports): a read-only file. */
const NODE_CONFIG_PATH = '/edgefleet/node.json';
/** Panorama's application storage, kept across restarts and replacements of the application. */
export const STORAGE_PATH = '/opt/aws/panorama/storage';
export const IMAGE_REPOSITORY = 'edgefleet/asset';
export const LABELS = {
  managed: 'com.edgefleet.managed',
  /** Which agent (by its data dir) runs it: agents sharing an engine never touch each other's containers. */
  agent: 'com.edgefleet.agent',
  instance: 'com.edgefleet.application-instance',
  node: 'com.edgefleet.node',
  /** What the container is made of (image, entry, environment, mounts, limits, configuration): a container of another is replaced. */
  revision: 'com.edgefleet.node-revision',
  storage: 'com.edgefleet.storage',
} as const;

type Node = InstanceSpec['nodes'][number];

export interface ContainerRuntimeOptions {
  docker: Docker;
  /** The engine's address (for messages). */
  address: string;
  dataDir: string;
  /** Where applications' storage lives on the device (an SD card, a data volume): `<dataDir>/storage` by default. */
  storageDir?: string;
  /** bridge (inbound ports published), host, or none. */
  network?: string;
  /** Images of code assets no instance uses that are kept for a rollback. */
  keepImages?: number;
  /** Host paths (prefixes) and devices a descriptor's createOptions may use on this device. */
  allowedBinds?: string[];
  allowedDevices?: string[];
  /** Limits of a node whose descriptor sets none. */
  memoryBytes?: number;
  nanoCpus?: number;
  /** Cameras, models and the SDK socket of each code node (mounted into its container). */
  vision: VisionPlane;
}

/**
 * Runs code nodes as containers on a Docker Engine (Docker, Moby, balenaEngine, podman's
 * compatible socket) through its API. A code asset (the `docker export` of a container that
 * panorama-cli builds) is imported once as `edgefleet/asset:<sha256>` and shared by every
 * instance that uses it; each code node is one container running its descriptor's entry, with
 * its configuration mounted read-only, Panorama's storage path, limits and a read-only root.
 * Containers are supervised (restarted with backoff, their output shipped as the node's log
 * stream), paused and unpaused on signals, and adopted by label when the agent restarts: the
 * applications keep running. Containers without this agent's labels (another agent's on the same
 * engine included) are never touched.
 */
export class ContainerRuntime implements ApplicationRuntime {
  private engine?: EngineInfo;
  private readonly supervisors = new Map<string, Supervisor>();
  private events?: Readable;

  private readonly agentKey: string;

  constructor(private readonly opts: ContainerRuntimeOptions) {
    this.agentKey = createHash('sha256').update(path.resolve(opts.dataDir)).digest('hex').slice(0, 16);
  }

  /** The engine as it answers now (version, architecture, GPU), or why it does not. */
  async probe(): Promise<EngineInfo> {
    this.engine = await probeEngine(this.opts.docker, this.opts.address);
    return this.engine;
  }

  describe(): RuntimeReport {
    const e = this.engine;
    if (!e) return { kind: 'container', status: -1, message: 'NOT STARTED' };
    return e.reachable ? { kind: 'container', status: 0, message: 'RUNNING', engineVersion: e.version, architecture: e.architecture } : { kind: 'container', status: 1, message: (e.problem ?? 'ERROR').slice(0, 255) };
  }

  async start(launch: InstanceLaunch): Promise<RunningInstance> {
    const { spec, applicationInstanceId: id } = launch;
    const engine = await this.probe();
    const paused = new Set(Object.entries(spec.signals).filter(([, s]) => s === 'PAUSE').map(([n]) => n));
    const statuses: Record<string, NodeStatus> = {};
    const code = spec.nodes.filter((n) => n.category === 'business_logic' && n.asset);
    const vision = await this.opts.vision.attach(launch, paused);
    for (const node of spec.nodes.filter((n) => n.category !== 'parameter')) {
      if (vision.handles(node.name)) continue;
      const passive = passiveStatus(node, paused.has(node.name));
      if (passive) statuses[node.name] = passive;
      else if (!engine.reachable) {
        // The shadow has room for a short reason; the whole of it goes to the node's log stream.
        statuses[node.name] = { currentStatus: 'ERROR', reason: `No engine at ${engine.address}` };
        launch.log(node.name, engine.problem ?? `No container engine at ${engine.address}`);
      }
      else if (node.gpu && !engine.gpu) statuses[node.name] = { currentStatus: 'ERROR', reason: 'Asks for the GPU (hardware_access nvhost_gpu); this device has none.' };
    }
    const runnable = code.filter((n) => !statuses[n.name]);
    // Refusals before anything starts: the deployment fails, saying why.
    const plans = await Promise.all(runnable.map((node) => this.plan(launch, node, engine))).catch(async (err) => {
      await vision.close();
      throw err;
    });
    if (plans.length === 0) return staticInstance(statuses, launch, vision);
    const storageKey = await this.storageKeyOf(id, spec.replaces);
    const storage = path.join(this.storageDir, storageKey);
    if (plans.length) mkdirSync(storage, { recursive: true });
    await this.followEvents();
    const started: Supervisor[] = [];
    try {
      for (const plan of plans) {
        const image = await this.imageOf(plan.asset, launch.spec.files[plan.asset]);
        const supervisor = new Supervisor(this.opts.docker, plan.node.name, launch, (s) => ((statuses[plan.node.name] = s), launch.changed()));
        statuses[plan.node.name] = { currentStatus: 'NOT_AVAILABLE' };
        this.supervisors.set(supervisorKey(id, plan.node.name), supervisor);
        started.push(supervisor);
        await supervisor.run(this.containerSpec(launch, plan, image, storageKey, storage, vision), paused.has(plan.node.name));
      }
      // A broken version dies at once: that fails the deployment, with what it printed. Meanwhile the nodes say how they are.
      launch.started?.(() => ({ ...statuses, ...vision.nodes() }));
      if (started.some((s) => s.created)) await new Promise((r) => setTimeout(r, SETTLE_MS));
      const dead = started.find((s) => s.failedEarly);
      if (dead) throw new Error(`node ${dead.name} exited at start (${dead.lastExit}): ${dead.tail.join(' | ').slice(-500)}`);
    } catch (err) {
      await Promise.all(started.map((s) => s.remove()));
      for (const s of started) this.supervisors.delete(supervisorKey(id, s.name));
      await this.release(id, storageKey, storage);
      await vision.close();
      throw err;
    }
    return {
      nodes: () => ({ ...statuses, ...vision.nodes() }),
      signal: (name, signal) => {
        if (signal === 'PAUSE') paused.add(name);
        else paused.delete(name);
        if (vision.handles(name)) return vision.signal(name, signal);
        const supervisor = this.supervisors.get(supervisorKey(id, name));
        if (supervisor) void supervisor.signal(signal);
        else if (statuses[name]?.currentStatus === 'RUNNING' || statuses[name]?.currentStatus === 'PAUSED') statuses[name] = { currentStatus: signal === 'PAUSE' ? 'PAUSED' : 'RUNNING' };
        launch.changed();
      },
      stop: async () => {
        await Promise.all(started.map((s) => s.remove()));
        for (const s of started) this.supervisors.delete(supervisorKey(id, s.name));
        await this.release(id, storageKey, storage);
        await vision.close();
      },
    };
  }

  /** Containers of instances the device no longer runs (removed while the agent was down): removed, with their storage. */
  async prune(keep: Set<string>): Promise<void> {
    if (!(await this.probe()).reachable) return;
    const containers = await this.opts.docker.listContainers({ all: true, filters: { label: [`${LABELS.agent}=${this.agentKey}`] } });
    for (const c of containers) {
      const instance = c.Labels[LABELS.instance];
      if (!instance || keep.has(instance)) continue;
      await this.opts.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      const storageKey = c.Labels[LABELS.storage];
      if (storageKey) await this.release(instance, storageKey, path.join(this.storageDir, storageKey));
    }
  }

  private get storageDir(): string {
    return this.opts.storageDir ?? path.join(this.opts.dataDir, 'storage');
  }

  /** The node's image, entry, createOptions and needs, checked against this device; a refusal says what and why. */
  private async plan(launch: InstanceLaunch, node: Node, engine: EngineInfo) {
    if (!node.asset || !node.descriptor || !launch.spec.files[node.asset]) throw new Error(`node ${node.name}: its package has no code asset`);
    const descriptorFile = await launch.file(node.descriptor);
    if (node.architecture && engine.architecture && node.architecture !== engine.architecture) {
      throw new Error(`node ${node.name}: its container is built for ${node.architecture}; this device's engine runs ${engine.architecture} containers`);
    }
    const descriptor = JSON.parse(readFileSync(descriptorFile, 'utf8')) as { runtimeDescriptor?: { entry?: { path?: string; name?: string }; createOptions?: unknown } };
    const entry = descriptor.runtimeDescriptor?.entry;
    if (!entry?.path) throw new Error(`node ${node.name}: its descriptor has no runtimeDescriptor entry`);
    const parsed = createOptionsSchema.safeParse(descriptor.runtimeDescriptor?.createOptions ?? {});
    if (!parsed.success) throw new Error(`node ${node.name}: createOptions: ${parsed.error.issues[0].message}`);
    const options = parsed.data;
    const allowedBinds = this.opts.allowedBinds ?? [];
    for (const bind of options.HostConfig?.Binds ?? []) {
      const host = bind.split(':')[0];
      if (!allowedBinds.some((p) => host === p || host.startsWith(p.endsWith('/') ? p : `${p}/`))) {
        throw new Error(`node ${node.name}: createOptions binds ${host}, which this device does not allow (allowed: ${allowedBinds.join(', ') || 'none'})`);
      }
    }
    const allowedDevices = this.opts.allowedDevices ?? [];
    for (const device of options.HostConfig?.Devices ?? []) {
      if (!allowedDevices.includes(device.PathOnHost)) throw new Error(`node ${node.name}: createOptions maps device ${device.PathOnHost}, which this device does not allow (allowed: ${allowedDevices.join(', ') || 'none'})`);
    }
    return { node, asset: node.asset, entry: [entry.path, ...(entry.name ? [entry.name] : [])], options };
  }

  private containerSpec(launch: InstanceLaunch, plan: Awaited<ReturnType<ContainerRuntime['plan']>>, image: string, storageKey: string, storage: string, vision: InstanceVision): Docker.ContainerCreateOptions {
    const { node, options } = plan;
    const dir = path.join(this.opts.dataDir, 'apps', launch.applicationInstanceId, node.name);
    mkdirSync(dir, { recursive: true });
    const configFile = path.join(dir, 'node.json');
    const config = JSON.stringify(configOf(launch, node));
    writeFileSync(configFile, config, { mode: 0o600 });
    const network = this.opts.network ?? 'bridge';
    const ports = launch.spec.ports.filter((p) => p.node === node.name);
    const published = network === 'bridge' && ports.length > 0;
    // panoramasdk (the agent's own copy, so it always speaks the agent's protocol) and the node's socket to the agent.
    const sdk = {
      env: [`PANORAMA_SDK_SOCKET=${CONTAINER_SOCKET_DIR}/sdk.sock`, `PYTHONPATH=${CONTAINER_SDK_DIR}`],
      binds: [`${path.dirname(vision.socketPath(node.name))}:${CONTAINER_SOCKET_DIR}:ro`, `${SDK_PYTHON_DIR}:${CONTAINER_SDK_DIR}:ro`],
    };
    const spec: Docker.ContainerCreateOptions = {
      name: `edgefleet-${launch.applicationInstanceId}-${node.name}`.slice(0, 128),
      Image: image,
      Cmd: plan.entry,
      Env: [...(options.Env ?? []), `EDGEFLEET_NODE_CONFIG=${NODE_CONFIG_PATH}`, `EDGEFLEET_NODE_NAME=${node.name}`, `EDGEFLEET_APPLICATION_INSTANCE_ID=${launch.applicationInstanceId}`, 'PYTHONUNBUFFERED=1', 'PYTHONDONTWRITEBYTECODE=1', ...sdk.env],
      Labels: { [LABELS.managed]: 'true', [LABELS.agent]: this.agentKey, [LABELS.instance]: launch.applicationInstanceId, [LABELS.node]: node.name, [LABELS.storage]: storageKey },
      ...(published ? { ExposedPorts: Object.fromEntries(ports.map((p) => [`${p.containerPort}/tcp`, {}])) } : {}),
      HostConfig: {
        NetworkMode: network,
        ...(published ? { PortBindings: Object.fromEntries(ports.map((p) => [`${p.containerPort}/tcp`, [{ HostPort: String(p.hostPort) }]])) } : {}),
        Binds: [`${configFile}:${NODE_CONFIG_PATH}:ro`, `${storage}:${STORAGE_PATH}`, ...sdk.binds, ...(options.HostConfig?.Binds ?? [])],
        Devices: (options.HostConfig?.Devices ?? []).map((d) => ({ PathOnHost: d.PathOnHost, PathInContainer: d.PathInContainer, CgroupPermissions: d.CgroupPermissions ?? 'rwm' })),
        Memory: options.HostConfig?.Memory ?? this.opts.memoryBytes ?? 512 * 1024 * 1024,
        NanoCpus: options.HostConfig?.NanoCpus ?? this.opts.nanoCpus ?? 1_000_000_000,
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': 'rw,size=64m' },
        ...(node.gpu ? { DeviceRequests: [{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }] } : {}),
      },
    };
    // Signals (PAUSE, RESUME) change the instance's revision, not its containers.
    spec.Labels![LABELS.revision] = createHash('sha256').update(JSON.stringify(spec)).update(config).digest('hex').slice(0, 16);
    return spec;
  }

  /**
   * The image of a code asset, the first time any instance needs it: streamed from its signed URL
   * straight into the engine's import while it is hashed, under a temporary tag, and named
   * `edgefleet/asset:<sha256>` only once its size and digest are the ones expected. An interrupted
   * download or another digest never becomes an image.
   */
  private async imageOf(sha256: string, source: { url: string; sizeBytes: number }): Promise<string> {
    const image = `${IMAGE_REPOSITORY}:${sha256}`;
    const docker = this.opts.docker;
    if (await docker.getImage(image).inspect().then(() => true, () => false)) return image;
    const incoming = `${IMAGE_REPOSITORY}:incoming-${randomBytes(6).toString('hex')}`;
    try {
      // node:http rather than fetch: web streams halve the throughput of a large file.
      const res = await new Promise<IncomingMessage>((resolve, reject) => (source.url.startsWith('https:') ? httpsGet : httpGet)(source.url, resolve).on('error', reject));
      if (res.statusCode !== 200) {
        res.resume();
        throw new Error(`download failed: HTTP ${res.statusCode}`);
      }
      const hash = createHash('sha256');
      let size = 0;
      const body = res.pipe(
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            size += chunk.length;
            hash.update(chunk);
            done(null, chunk);
          },
        }),
      );
      const progress = await docker.importImage(body as never, { repo: IMAGE_REPOSITORY, tag: incoming.split(':')[1] });
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(progress, (err: Error | null, output: { error?: string }[]) => {
          const failed = err?.message ?? output.find((o) => o.error)?.error;
          if (failed) reject(new Error(`the code asset ${sha256} is not a container file system the engine can import: ${failed}`));
          else resolve();
        }),
      );
      const digest = hash.digest('hex');
      if (size !== source.sizeBytes || digest !== sha256) throw new Error(`verification failed: got ${size} bytes with SHA-256 ${digest}, expected ${source.sizeBytes} bytes with ${sha256}`);
      await docker.getImage(incoming).tag({ repo: IMAGE_REPOSITORY, tag: sha256 });
      return image;
    } finally {
      // The temporary name goes either way: untagged (the image keeps its final name), or the image with it.
      await docker.getImage(incoming).remove({ noprune: false }).catch(() => undefined);
    }
  }

  /** A replacement keeps the storage of the application it replaces; a new application gets its own. */
  private async storageKeyOf(applicationInstanceId: string, replaces: string | null): Promise<string> {
    if (!replaces) return applicationInstanceId;
    const [replaced] = await this.opts.docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${replaces}`] } });
    return replaced?.Labels[LABELS.storage] ?? applicationInstanceId;
  }

  /** After an instance's containers are gone: its storage, unless another instance (its replacement) still uses it, and images nobody needs. */
  private async release(applicationInstanceId: string, storageKey: string, storage: string): Promise<void> {
    rmSync(path.join(this.opts.dataDir, 'apps', applicationInstanceId), { recursive: true, force: true });
    const users = await this.opts.docker.listContainers({ all: true, filters: { label: [`${LABELS.storage}=${storageKey}`] } });
    if (users.length === 0) rmSync(storage, { recursive: true, force: true });
    await this.collectImages();
  }

  /** Code asset images no container uses go, but for the `keepImages` imported last (a rollback needs no download). */
  private async collectImages(): Promise<void> {
    const docker = this.opts.docker;
    const used = new Set((await docker.listContainers({ all: true })).map((c) => c.ImageID));
    const images = (await docker.listImages({ filters: { reference: [IMAGE_REPOSITORY] } })).filter((i) => !used.has(i.Id)).sort((a, b) => b.Created - a.Created);
    for (const image of images.slice(this.opts.keepImages ?? 1)) await docker.getImage(image.Id).remove({ force: false }).catch(() => undefined);
  }

  /** One stream of the engine's events about our containers, dispatched to their supervisors (reopened if it ends). */
  private async followEvents(): Promise<void> {
    if (this.events) return;
    const stream = (await this.opts.docker.getEvents({ filters: { type: ['container'], label: [`${LABELS.agent}=${this.agentKey}`] } })) as Readable;
    this.events = stream;
    createInterface({ input: stream }).on('line', (line) => {
      let event: { status?: string; Action?: string; Actor?: { Attributes?: Record<string, string> } };
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      const a = event.Actor?.Attributes ?? {};
      const supervisor = this.supervisors.get(supervisorKey(a[LABELS.instance] ?? '', a[LABELS.node] ?? ''));
      const action = event.Action ?? event.status;
      if (supervisor && (action === 'die' || action === 'destroy')) supervisor.ended(action, a.exitCode);
    });
    stream.on('close', () => {
      this.events = undefined;
      // The engine restarted or the connection dropped: follow again while anything runs.
      if (this.supervisors.size) setTimeout(() => void this.followEvents().catch(() => undefined), 1000).unref();
    });
  }
}

/** An instance with no container to run (its code nodes cannot run here, and say why): statuses that only signals change. */
function staticInstance(statuses: Record<string, NodeStatus>, launch: InstanceLaunch, vision: InstanceVision): RunningInstance {
  return {
    nodes: () => ({ ...statuses, ...vision.nodes() }),
    signal: (name, signal) => {
      if (vision.handles(name)) return vision.signal(name, signal);
      const s = statuses[name]?.currentStatus;
      if (s === 'RUNNING' || s === 'PAUSED') statuses[name] = { currentStatus: signal === 'PAUSE' ? 'PAUSED' : 'RUNNING' };
      launch.changed();
    },
    stop: async () => vision.close(),
  };
}

const supervisorKey = (instance: string, node: string) => `${instance}\u0000${node}`;

/**
 * One code node's container: created (or adopted, when one of this revision runs already),
 * started unless paused, its output followed; restarted with backoff when it dies, recreated when
 * removed behind the agent's back; paused and unpaused on signals.
 */
class Supervisor {
  private container?: Docker.Container;
  private spec?: Docker.ContainerCreateOptions;
  private removing = false;
  private paused = false;
  private restarts = 0;
  private startedAt = 0;
  private logs?: Readable;
  created = false;
  failedEarly = false;
  lastExit = '';
  readonly tail: string[] = [];

  constructor(
    private readonly docker: Docker,
    readonly name: string,
    private readonly launch: InstanceLaunch,
    private readonly report: (s: NodeStatus) => void,
  ) {}

  async run(spec: Docker.ContainerCreateOptions, paused: boolean): Promise<void> {
    this.spec = spec;
    this.paused = paused;
    const labels = spec.Labels!;
    const [existing] = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${labels[LABELS.instance]}`, `${LABELS.node}=${labels[LABELS.node]}`] } });
    if (existing && existing.Labels[LABELS.revision] === labels[LABELS.revision]) {
      // The agent restarted: the container keeps running, adopted as it is.
      this.container = this.docker.getContainer(existing.Id);
      const state = (await this.container.inspect()).State;
      await this.follow(Math.floor(Date.now() / 1000));
      if (state.Paused) return this.report({ currentStatus: 'PAUSED' });
      if (state.Running) return this.report({ currentStatus: paused ? 'PAUSED' : 'RUNNING' });
      if (!paused) await this.start();
      return;
    }
    if (existing) await this.docker.getContainer(existing.Id).remove({ force: true });
    await this.create();
    if (!paused) await this.start();
    else this.report({ currentStatus: 'PAUSED' }); // launched onSignal (or paused before): its RESUME starts it
  }

  private async create(): Promise<void> {
    this.container = await this.docker.createContainer(this.spec!);
    this.created = true;
  }

  private async start(): Promise<void> {
    this.startedAt = Date.now();
    await this.container!.start();
    // A stopped container's log stream ends: each start follows anew, from its start.
    await this.follow(Math.floor(this.startedAt / 1000));
    this.report({ currentStatus: 'RUNNING' });
  }

  /** The container's output, line by line, to the node's log stream (and the last lines, for a refusal). */
  private async follow(since: number): Promise<void> {
    this.logs?.destroy();
    const stream = (await this.container!.logs({ follow: true, stdout: true, stderr: true, since })) as unknown as Readable;
    this.logs = stream;
    const lines = new PassThrough();
    this.docker.modem.demuxStream(stream, lines, lines);
    stream.on('end', () => lines.end());
    createInterface({ input: lines }).on('line', (line) => {
      this.tail.push(line);
      if (this.tail.length > TAIL_LINES) this.tail.shift();
      this.launch.log(this.name, line);
    });
  }

  /** The engine says the container died or was removed. */
  ended(action: string, exitCode?: string): void {
    if (this.removing) return;
    this.lastExit = action === 'destroy' ? 'removed' : `exit code ${exitCode ?? '?'}`;
    if (action === 'die' && Date.now() - this.startedAt < SETTLE_MS && this.restarts === 0) this.failedEarly = true;
    if (this.failedEarly) return;
    this.report({ currentStatus: 'ERROR', reason: action === 'destroy' ? 'The container was removed; recreating.' : `The container exited (${this.lastExit}); restarting.` });
    const backoff = restartBackoffMs(this.restarts++);
    setTimeout(() => void this.restart(action === 'destroy').catch((err: Error) => this.report({ currentStatus: 'ERROR', reason: `Could not restart: ${err.message}` })), backoff).unref();
  }

  private async restart(recreate: boolean): Promise<void> {
    if (this.removing) return;
    if (recreate) await this.create();
    if (!this.paused) await this.start();
  }

  async signal(signal: 'PAUSE' | 'RESUME'): Promise<void> {
    this.paused = signal === 'PAUSE';
    const state = (await this.container!.inspect()).State;
    if (this.paused && state.Running && !state.Paused) await this.container!.pause();
    else if (!this.paused && state.Paused) await this.container!.unpause();
    else if (!this.paused && !state.Running) await this.start(); // launched onSignal: its first RESUME starts it
    this.report({ currentStatus: this.paused ? 'PAUSED' : 'RUNNING' });
  }

  async remove(): Promise<void> {
    this.removing = true;
    this.logs?.destroy();
    await this.container?.remove({ force: true }).catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 404) throw err;
    });
  }
}
