import Docker from 'dockerode';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What the agent knows of its container engine: reachable or not (and why), its version, CPU architecture and GPU. */
export interface EngineInfo {
  reachable: boolean;
  /** Where the engine is: the socket or URL, for messages. */
  address: string;
  version?: string;
  /** arm64, amd64 or armv7 (Panorama's names), from the engine's own report. */
  architecture?: string;
  /** The engine has the NVIDIA runtime (a GPU request can be honoured). */
  gpu: boolean;
  problem?: string;
}

const ARCHITECTURE: Record<string, string> = { x86_64: 'amd64', amd64: 'amd64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'armv7', armhf: 'armv7' };

/**
 * The Docker Engine API client of `--docker-host`: the local socket (unix:///var/run/docker.sock,
 * the default), or a remote engine (tcp://HOST:2376, seed 003's camera) reached with mutual TLS:
 * `ca.pem`, `cert.pem` and `key.pem` from `<dataDir>/docker/`.
 */
export function dockerClient(dockerHost: string, dataDir: string): { docker: Docker; address: string } {
  const url = new URL(dockerHost);
  if (url.protocol === 'unix:') return { docker: new Docker({ socketPath: url.pathname }), address: dockerHost };
  if (url.protocol !== 'tcp:' && url.protocol !== 'https:') throw new Error(`--docker-host must be unix:///path/to/docker.sock or tcp://host:port, not ${dockerHost}`);
  const tls = path.join(dataDir, 'docker');
  const files = ['ca.pem', 'cert.pem', 'key.pem'].map((f) => path.join(tls, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`a remote engine (${dockerHost}) is reached with mutual TLS: put ca.pem, cert.pem and key.pem in ${tls} (missing: ${missing.map((f) => path.basename(f)).join(', ')})`);
  const [ca, cert, key] = files.map((f) => readFileSync(f));
  return { docker: new Docker({ host: url.hostname, port: Number(url.port || 2376), protocol: 'https', ca, cert, key }), address: dockerHost };
}

export async function probeEngine(docker: Docker, address: string): Promise<EngineInfo> {
  try {
    const [version, info] = await Promise.all([docker.version(), docker.info() as Promise<{ Architecture?: string; Runtimes?: Record<string, unknown> }>]);
    return { reachable: true, address, version: version.Version, architecture: ARCHITECTURE[info.Architecture ?? ''] ?? info.Architecture, gpu: 'nvidia' in (info.Runtimes ?? {}) };
  } catch (err) {
    return { reachable: false, address, gpu: false, problem: `No container engine at ${address}: ${(err as Error).message}` };
  }
}
