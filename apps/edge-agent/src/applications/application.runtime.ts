import type { InstanceSpec, ReportedInstance } from '@edgefleet/contracts';
import type { RoleCredentials } from './runtime-credentials';

export type NodeStatus = NonNullable<ReportedInstance['nodes']>[string];

/** What a runtime needs to start an instance: its spec, its files by SHA-256, and the credentials of its cameras. */
export interface InstanceLaunch {
  applicationInstanceId: string;
  spec: InstanceSpec;
  /** A file of the spec on disk, downloaded (resumed, checked against its SHA-256) the first time a runtime asks for it. */
  file: (sha256: string) => Promise<string>;
  cameras: Map<string, { streamUrl: string; username: string; password: string }>;
  /** Lines a node writes (its stdout and stderr), for the log shipper. */
  log: (nodeName: string, line: string) => void;
  /** A node's status changed (it crashed, it came back). */
  changed: () => void;
  /** The nodes have started, their deployment not settled yet: their statuses can be reported already. */
  started?: (nodes: () => Record<string, NodeStatus>) => void;
  /** Temporary credentials of the instance's runtime role, for its code nodes (panoramasdk); rejects when it has none. */
  credentials?: () => Promise<RoleCredentials>;
}

/** An instance a runtime runs: the status of each node, and the operator's signals. */
export interface RunningInstance {
  nodes(): Record<string, NodeStatus>;
  signal(nodeName: string, signal: 'PAUSE' | 'RESUME'): void;
  stop(): Promise<void>;
}

/** How a runtime stands, for the device's `system` shadow. */
export interface RuntimeReport {
  kind: 'container' | 'process' | 'simulated';
  /** After the Docker ACAP codes: -1 not started, 0 running, 1 error. */
  status: number;
  message: string;
  engineVersion?: string;
  architecture?: string;
}

/**
 * The runtime port of the agent: the container runtime runs code nodes as containers on a
 * Docker Engine; the process runtime as supervised child processes (devices without an engine);
 * the simulated one (fleet simulator) pretends, with configurable delays and failures. A runtime
 * that cannot run a node says so (ERROR with the reason), never a fake RUNNING.
 */
export interface ApplicationRuntime {
  start(launch: InstanceLaunch): Promise<RunningInstance>;
  describe(): RuntimeReport;
  /** Leftovers of instances the device no longer runs (removed while the agent was down). */
  prune?(keep: Set<string>): Promise<void>;
}

/** A code node that dies within this long of starting fails the deployment (a broken version). */
export const SETTLE_MS = 1500;
/** The last lines a node printed, kept for the reason of a failed deployment. */
export const TAIL_LINES = 5;
/** How long before a node that exited starts again: 1 s, 2 s, 4 s … at most 30 s. */
export const restartBackoffMs = (restarts: number) => Math.min(30_000, 1000 * 2 ** restarts);

/** The host's CPU architecture in Panorama's names. */
export const hostArchitecture = (): string => ({ x64: 'amd64', arm64: 'arm64', arm: 'armv7' })[process.arch as string] ?? process.arch;

/** The health of an instance from its nodes: ERROR if one is, RUNNING if any runs. */
export function healthOf(nodes: Record<string, NodeStatus>): 'RUNNING' | 'ERROR' | 'NOT_AVAILABLE' {
  const statuses = Object.values(nodes).map((n) => n.currentStatus);
  if (statuses.includes('ERROR')) return 'ERROR';
  return statuses.some((s) => s === 'RUNNING' || s === 'PAUSED') ? 'RUNNING' : 'NOT_AVAILABLE';
}

/** Node statuses that need no process: cameras (PAUSED on signal), the HDMI output (no display here). */
export function passiveStatus(node: InstanceSpec['nodes'][number], paused: boolean): NodeStatus | undefined {
  if (node.category === 'media_source') return node.streamUrl ? { currentStatus: paused ? 'PAUSED' : 'RUNNING' } : { currentStatus: 'NOT_AVAILABLE', reason: 'No camera chosen for this placeholder.' };
  if (node.category === 'media_sink') return { currentStatus: 'NOT_AVAILABLE', reason: 'No HDMI output on this device.' };
  return undefined;
}

/** The fleet simulator's runtime: every node RUNNING after `delayMs`, or the start failing at `failureRate`. */
export class SimulatedRuntime implements ApplicationRuntime {
  constructor(private readonly opts: { failureRate?: number; delayMs?: number } = {}) {}

  describe(): RuntimeReport {
    return { kind: 'simulated', status: 0, message: 'RUNNING' };
  }

  async start(launch: InstanceLaunch): Promise<RunningInstance> {
    // A device downloads and checks its files, as a real one does.
    for (const sha256 of Object.keys(launch.spec.files)) await launch.file(sha256);
    await new Promise((r) => setTimeout(r, Math.random() * 2 * (this.opts.delayMs ?? 200)));
    if (Math.random() < (this.opts.failureRate ?? 0)) throw new Error('simulated failure: the application did not start');
    const paused = new Set(Object.entries(launch.spec.signals).filter(([, s]) => s === 'PAUSE').map(([n]) => n));
    const nodes = launch.spec.nodes.filter((n) => n.category !== 'parameter');
    for (const n of nodes) if (!passiveStatus(n, false)) launch.log(n.name, `started ${n.name} of ${launch.applicationInstanceId} (simulated)`);
    return {
      nodes: () => Object.fromEntries(nodes.map((n) => [n.name, passiveStatus(n, paused.has(n.name)) ?? { currentStatus: paused.has(n.name) ? 'PAUSED' : 'RUNNING' }])),
      signal: (node, signal) => void (signal === 'PAUSE' ? paused.add(node) : paused.delete(node)),
      stop: async () => undefined,
    };
  }
}
