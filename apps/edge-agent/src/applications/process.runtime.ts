import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { InstanceSpec } from '@edgefleet/contracts';
import { type ApplicationRuntime, type InstanceLaunch, type NodeStatus, type RunningInstance, type RuntimeReport, SETTLE_MS, TAIL_LINES, hostArchitecture, passiveStatus, restartBackoffMs } from './application.runtime';
import { configOf } from './node.config';
import { type InstanceVision, SDK_PYTHON_DIR, type VisionPlane } from '../vision/vision.plane';

const run = promisify(execFile);

type Node = InstanceSpec['nodes'][number];
interface Command {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/**
 * Runs code nodes as supervised child processes: each code asset (a tar.gz) is extracted and its
 * `runtimeDescriptor` entry run (`python3 /panorama/application.py` runs application.py of the
 * archive), restarted with backoff when it exits; PAUSE and RESUME stop and continue it. Cameras,
 * models and `panoramasdk` come from the vision plane, as in containers (the host's Python needs
 * numpy for the SDK).
 */
export class ProcessRuntime implements ApplicationRuntime {
  constructor(
    private readonly dataDir: string,
    private readonly vision: VisionPlane,
  ) {}

  describe(): RuntimeReport {
    return { kind: 'process', status: 0, message: 'RUNNING', architecture: hostArchitecture() };
  }

  async start(launch: InstanceLaunch): Promise<RunningInstance> {
    const root = path.join(this.dataDir, 'apps', launch.applicationInstanceId);
    const { spec } = launch;
    const paused = new Set(Object.entries(spec.signals).filter(([, s]) => s === 'PAUSE').map(([n]) => n));
    const statuses: Record<string, NodeStatus> = {};
    const processes = new Map<string, Supervised>();
    const vision = await this.vision.attach(launch, paused);
    try {
      for (const node of spec.nodes.filter((n) => n.category !== 'parameter')) {
        if (vision.handles(node.name)) continue;
        const passive = passiveStatus(node, paused.has(node.name));
        if (passive) statuses[node.name] = passive;
        else {
          const prepared = await this.prepare(launch, node, path.join(root, node.name), vision);
          processes.set(node.name, new Supervised(node.name, prepared, launch, (s) => ((statuses[node.name] = s), launch.changed())));
          statuses[node.name] = { currentStatus: 'NOT_AVAILABLE' };
        }
      }
    } catch (err) {
      await vision.close();
      throw err;
    }
    for (const [name, p] of processes) {
      if (!paused.has(name)) p.start();
      else {
        p.signal('PAUSE'); // launched onSignal (or paused before): its RESUME starts it
        statuses[name] = { currentStatus: 'PAUSED' };
      }
    }
    // A broken version dies at once: that fails the deployment, with what it printed.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const dead = [...processes.values()].find((p) => p.failedEarly);
    if (dead) {
      await Promise.all([...processes.values()].map((p) => p.stop()));
      await vision.close();
      throw new Error(`node ${dead.name} exited at start (${dead.lastExit}): ${dead.tail.join(' | ').slice(-500)}`);
    }
    return {
      nodes: () => ({ ...statuses, ...vision.nodes() }),
      signal: (name, signal) => {
        const p = processes.get(name);
        if (signal === 'PAUSE') paused.add(name);
        else paused.delete(name);
        if (vision.handles(name)) return vision.signal(name, signal);
        if (p) p.signal(signal);
        else if (statuses[name]?.currentStatus === 'RUNNING' || statuses[name]?.currentStatus === 'PAUSED') statuses[name] = { currentStatus: signal === 'PAUSE' ? 'PAUSED' : 'RUNNING' };
        launch.changed();
      },
      stop: async () => {
        await Promise.all([...processes.values()].map((p) => p.stop()));
        await vision.close();
        rmSync(root, { recursive: true, force: true });
      },
    };
  }

  /** Extracts the node's code asset and writes its configuration; returns the command to run. */
  private async prepare(launch: InstanceLaunch, node: Node, dir: string, vision: InstanceVision): Promise<Command> {
    if (!node.asset || !node.descriptor) throw new Error(`node ${node.name}: its package has no code asset`);
    const [asset, descriptorFile] = [await launch.file(node.asset), await launch.file(node.descriptor)];
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await run('tar', ['-xzf', asset, '-C', dir]);
    const descriptor = JSON.parse(readFileSync(descriptorFile, 'utf8')) as { runtimeDescriptor?: { entry?: { path?: string; name?: string } } };
    const entry = descriptor.runtimeDescriptor?.entry;
    if (!entry?.path) throw new Error(`node ${node.name}: its descriptor has no runtimeDescriptor entry`);
    // The archive holds what Panorama's image would have under /panorama.
    const script = entry.name ? [entry.name.replace(/^\/panorama\//, ''), path.basename(entry.name)].map((p) => path.join(dir, p)).find((p) => existsSync(p)) : undefined;
    if (entry.name && !script) throw new Error(`node ${node.name}: ${entry.name} is not in its code asset`);
    const configFile = path.join(dir, '.edgefleet-node.json');
    writeFileSync(configFile, JSON.stringify(configOf(launch, node)), { mode: 0o600 });
    const sdk = { PANORAMA_SDK_SOCKET: vision.socketPath(node.name), PYTHONPATH: [SDK_PYTHON_DIR, process.env.PYTHONPATH].filter(Boolean).join(':') };
    return { command: entry.path, args: script ? [script] : [], cwd: dir, env: { EDGEFLEET_NODE_CONFIG: configFile, ...sdk } };
  }
}

/** One node's process: restarted with backoff after it exits, stopped and continued on signals. */
class Supervised {
  private child?: ChildProcess;
  private stopped = false;
  private paused = false;
  private restarts = 0;
  private startedAt = 0;
  failedEarly = false;
  lastExit = '';
  readonly tail: string[] = [];

  constructor(
    readonly name: string,
    private readonly cmd: Command,
    private readonly launch: InstanceLaunch,
    private readonly report: (s: NodeStatus) => void,
  ) {}

  start(): void {
    if (this.stopped || this.child) return;
    this.startedAt = Date.now();
    const child = spawn(this.cmd.command, this.cmd.args, {
      cwd: this.cmd.cwd,
      env: { ...process.env, ...this.cmd.env, EDGEFLEET_NODE_NAME: this.name, EDGEFLEET_APPLICATION_INSTANCE_ID: this.launch.applicationInstanceId, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        this.launch.log(this.name, line);
      });
    }
    child.on('error', (err) => (this.lastExit = err.message));
    child.on('spawn', () => this.report({ currentStatus: this.paused ? 'PAUSED' : 'RUNNING' }));
    child.on('exit', (code, signal) => {
      this.child = undefined;
      if (this.stopped) return;
      this.lastExit = signal ? `signal ${signal}` : `exit code ${code}`;
      if (Date.now() - this.startedAt < SETTLE_MS && this.restarts === 0) this.failedEarly = true;
      this.report({ currentStatus: 'ERROR', reason: `The process ended (${this.lastExit}); restarting.` });
      const backoff = restartBackoffMs(this.restarts++);
      setTimeout(() => this.start(), backoff).unref();
    });
  }

  signal(signal: 'PAUSE' | 'RESUME'): void {
    this.paused = signal === 'PAUSE';
    if (!this.child) {
      if (!this.paused) this.start(); // launched onSignal: its first RESUME starts it
      return;
    }
    this.child.kill(this.paused ? 'SIGSTOP' : 'SIGCONT');
    this.report({ currentStatus: this.paused ? 'PAUSED' : 'RUNNING' });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
