import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { until } from './fixtures';
import { bindable, freePort } from './processes';

const run = promisify(execFile);

export interface RedisCluster {
  nodes: { host: string; port: number }[];
  /** The nodes as GATEWAY_REDIS_CLUSTER_NODES takes them. */
  seeds: string;
  /** redis-cli against one node. */
  cli: (port: number, ...args: string[]) => Promise<string>;
  stop: () => Promise<void>;
}

/**
 * A Redis Cluster of `size` masters (no replicas) from the machine's redis-server, each on a
 * free port whose cluster bus port (+10000) is free too, in a temp dir; `redis-cli --cluster
 * create` assigns the slots. Resolves once every node says cluster_state:ok.
 */
export async function startRedisCluster(size = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgefleet-redis-cluster-'));
  const ports: number[] = [];
  while (ports.length < size) {
    const port = await freePort();
    if (port < 22_000 && (await bindable(port + 10_000))) ports.push(port);
  }
  const servers: ChildProcess[] = ports.map((port) =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' }),
  );
  const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout.trim();
  const stop = async () => {
    await Promise.all(servers.map((s) => (s.exitCode === null && s.signalCode === null ? new Promise((r) => (s.once('exit', r), s.kill('SIGTERM'))) : null)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await until(() => cli(port, 'ping').catch(() => ''), (r) => r === 'PONG', 20_000);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) await until(() => cli(port, 'cluster', 'info'), (info) => info.includes('cluster_state:ok'), 20_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), seeds: ports.map((p) => `127.0.0.1:${p}`).join(','), cli, stop };
}
