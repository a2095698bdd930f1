import type { InstanceSpec } from '@edgefleet/contracts';
import type { InstanceLaunch } from './application.runtime';

/**
 * What a code node reads from EDGEFLEET_NODE_CONFIG: its inputs by port (parameter values, the
 * names of its cameras: the agent opens them and `panoramasdk` hands their frames over its
 * socket, so no stream URL or credential reaches the application), and its ports.
 */
export interface NodeConfig {
  applicationInstanceId: string;
  node: string;
  inputs: Record<string, unknown>;
  ports: { containerPort: number; hostPort: number }[];
}

/** The node's configuration: parameter values and cameras (with their credentials) on its input ports, by the manifest's edges. */
export function configOf(launch: InstanceLaunch, node: InstanceSpec['nodes'][number]): NodeConfig {
  const { spec } = launch;
  const inputs: Record<string, unknown> = {};
  for (const e of spec.edges) {
    const [consumer, port] = e.consumer.split('.');
    if (consumer !== node.name || !port) continue;
    const producer = spec.nodes.find((n) => n.name === e.producer.split('.')[0]);
    if (!producer) continue;
    if (producer.category === 'parameter') inputs[port] = producer.value;
    else if (producer.category === 'media_source') {
      const list = (inputs[port] as unknown[] | undefined) ?? [];
      list.push({ name: producer.name });
      inputs[port] = list;
    } else inputs[port] = { from: e.producer };
  }
  return { applicationInstanceId: launch.applicationInstanceId, node: node.name, inputs, ports: spec.ports.filter((p) => p.node === node.name).map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort })) };
}
