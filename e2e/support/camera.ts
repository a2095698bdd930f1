import path from 'node:path';
import { type AppProcess, ROOT, freePort, waitForOutput } from './processes';
import { spawn } from 'node:child_process';

/** A real RTSP camera (GStreamer's RTSP server, infra/scripts/rtsp-camera.py) on 127.0.0.1. */
export interface TestCamera {
  url: string;
  port: number;
  /** RTSP sessions the camera has seen open and close. */
  sessions: () => { connected: number; closed: number };
  stop: () => Promise<void>;
  /** Starts it again on the same port (the camera back). */
  start: () => Promise<void>;
}

export async function startCamera(opts: { user?: string; password?: string; size?: string; fps?: number; pattern?: string } = {}): Promise<TestCamera> {
  const port = await freePort();
  const args = [path.join(ROOT, 'infra/scripts/rtsp-camera.py'), '--port', String(port), '--size', opts.size ?? '320x240', '--fps', String(opts.fps ?? 10), '--pattern', opts.pattern ?? 'ball'];
  if (opts.user) args.push('--user', opts.user, '--password', opts.password ?? '');
  let proc: AppProcess | undefined;
  let before = '';
  const start = async () => {
    // Debian's Python: it has GStreamer's bindings (gi).
    const child = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EDGEFLEET_EXIT_WITH_PARENT: '1' } });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    proc = { child, output: () => out, exited, stop: async () => void (child.exitCode === null && child.kill('SIGKILL'), await exited) };
    await waitForOutput(proc, /^ready /m, 15_000);
  };
  const stop = async () => {
    if (!proc) return;
    before += proc.output();
    await proc.stop();
    proc = undefined;
  };
  await start();
  const count = (re: RegExp) => ((before + (proc?.output() ?? '')).match(re) ?? []).length;
  return { url: `rtsp://127.0.0.1:${port}/live`, port, sessions: () => ({ connected: count(/client connected/g), closed: count(/client closed/g) }), stop, start };
}
