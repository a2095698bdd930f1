import type { InstanceSpec, ReportedInstance } from '@edgefleet/contracts';

export type NodeStatus = NonNullable<ReportedInstance['nodes']>[string];

/** What a runtime needs to start an instance: its spec, its verified files by SHA-256, and the credentials of its cameras. */
export interface InstanceLaunch {
  applicationInstanceId: string;
  spec: InstanceSpec;
  files: Map<string, string>;
  cameras: Map<string, { streamUrl: string; username: string; password: string }>;
  /** Lines a node writes (its stdout and stderr), for the log shipper. */
  log: (nodeName: string, line: string) => void;
  /** A node's status changed (it crashed, it came back). */
  changed: () => void;
}

/** An instance a runtime runs: the status of each node, and the operator's signals. */
export interface RunningInstance {
  nodes(): Record<string, NodeStatus>;
  signal(nodeName: string, signal: 'PAUSE' | 'RESUME'): void;
  stop(): Promise<void>;
}

/**
 * The runtime port of the agent: the process runtime runs code nodes as supervised child
 * processes; the simulated one (fleet simulator) pretends, with configurable delays and failures.
 * A runtime that cannot run a node says so (ERROR with the reason), never a fake RUNNING.
 */
export interface ApplicationRuntime {
  start(launch: InstanceLaunch): Promise<RunningInstance>;
}

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

  async start(launch: InstanceLaunch): Promise<RunningInstance> {
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
