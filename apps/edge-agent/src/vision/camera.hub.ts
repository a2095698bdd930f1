import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';

/** What the stream says, as Panorama's camera statuses and the system shadow's `cameras` report it. */
export type CameraStatus = 'CONNECTING' | 'STREAMING' | 'CONNECTION_ERROR' | 'AUTH_FAILED' | 'STREAM_ERROR';

export interface CameraSource {
  streamUrl: string;
  username?: string;
  password?: string;
}

/** A decoded frame: BGR, 8 bits a channel (what `panoramasdk`'s `media.image` is). */
export interface Frame {
  seq: number;
  width: number;
  height: number;
  /** Milliseconds since the epoch, when the agent had it whole. */
  capturedAt: number;
  data: Buffer;
}

export interface CameraState {
  status: CameraStatus;
  reason?: string;
  /** When the status last changed (ISO 8601). */
  since: string;
}

/** Waits before opening a lost stream again: 1 s, then 2 s, then 4 s at most (a camera back is seen within 10 s). */
const BACKOFF_MS = [1000, 2000, 4000];
/** A stream that delivers nothing for this long is lost (the server hung, a cable was pulled). */
const STALL_MS = 5000;
/** FFmpeg's socket timeout for RTSP (microseconds): connecting and reading. */
const SOCKET_TIMEOUT_US = '5000000';

/**
 * One camera stream, opened once by the agent however many nodes read it: FFmpeg connects over
 * RTSP (TCP), decodes H.264 and writes raw BGR frames to a pipe; the newest frame is kept (never a
 * queue: a slow reader gets the latest). The status follows the real stream: CONNECTION_ERROR
 * (refused, unreachable, timed out, lost), AUTH_FAILED (401), STREAM_ERROR (no video, a codec
 * FFmpeg cannot decode), with FFmpeg's reason; a lost stream is opened again with backoff.
 * Credentials go into FFmpeg's URL only (its argv, readable by the agent's own user), never a log.
 */
export class Camera extends EventEmitter {
  latest?: Frame;
  state: CameraState = { status: 'CONNECTING', since: new Date().toISOString() };
  private child?: ChildProcess;
  private retry?: NodeJS.Timeout;
  private stall?: NodeJS.Timeout;
  private failures = 0;
  private closed = false;
  private seq = 0;
  /** The stream this is (a camera's name, URL and user): what the hub shares among readers. */
  readonly id: string;

  constructor(
    readonly name: string,
    private readonly source: CameraSource,
    private readonly ffmpeg = process.env.FFMPEG_PATH ?? 'ffmpeg',
  ) {
    super();
    this.id = streamOf(name, source);
    this.setMaxListeners(0);
    this.open();
  }

  /** The URL FFmpeg opens, credentials in it. */
  private url(): string {
    const url = new URL(this.source.streamUrl);
    if (this.source.username) {
      url.username = encodeURIComponent(this.source.username);
      url.password = encodeURIComponent(this.source.password ?? '');
    }
    return url.toString();
  }

  private open(): void {
    if (this.closed) return;
    const args = ['-hide_banner', '-nostats', '-nostdin', '-loglevel', 'info', '-rtsp_transport', 'tcp', '-timeout', SOCKET_TIMEOUT_US, '-i', this.url(), '-an', '-f', 'rawvideo', '-pix_fmt', 'bgr24', 'pipe:1'];
    const child = spawn(this.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    let size: { width: number; height: number } | undefined;
    let frame: Buffer | undefined;
    let filled = 0;
    child.on('error', (err) => (stderr += `\n${err.message}`));
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-8192);
      if (!size) {
        const m = /Output #0[\s\S]*?Video: rawvideo[^\n]*?, (\d{2,5})x(\d{2,5})/.exec(stderr);
        if (m) size = { width: Number(m[1]), height: Number(m[2]) };
      }
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      if (!size) return;
      const bytes = size.width * size.height * 3;
      let offset = 0;
      while (offset < chunk.length) {
        frame ??= Buffer.allocUnsafe(bytes);
        const n = chunk.copy(frame, filled, offset, Math.min(chunk.length, offset + bytes - filled));
        filled += n;
        offset += n;
        if (filled === bytes) {
          this.latest = { seq: ++this.seq, width: size.width, height: size.height, capturedAt: Date.now(), data: frame };
          frame = undefined;
          filled = 0;
          this.failures = 0;
          this.set('STREAMING');
          this.watch();
          this.emit('frame', this.latest);
        }
      }
    });
    this.watch();
    child.on('close', (code) => {
      clearTimeout(this.stall);
      if (this.child !== child) return;
      this.child = undefined;
      if (this.closed) return;
      // FFmpeg names the URL in its errors: the user and password are cut out before anything reads them.
      const { status, reason } = classify(stderr.replace(/\/\/[^/\s@]*@/g, '//'), this.state.status === 'STREAMING', code);
      this.set(status, reason);
      const wait = BACKOFF_MS[Math.min(this.failures++, BACKOFF_MS.length - 1)];
      this.retry = setTimeout(() => this.open(), wait);
    });
  }

  /** No frame for STALL_MS: the stream is lost; FFmpeg is stopped and the stream opened again. */
  private watch(): void {
    clearTimeout(this.stall);
    const child = this.child;
    this.stall = setTimeout(() => {
      if (this.child !== child || !child) return;
      if (this.state.status === 'STREAMING') this.set('CONNECTION_ERROR', `no frames for ${STALL_MS / 1000} s`);
      child.kill('SIGKILL');
    }, STALL_MS + (this.latest ? 0 : 5000));
  }

  private set(status: CameraStatus, reason?: string): void {
    if (this.state.status === status && this.state.reason === reason) return;
    this.state = { status, ...(reason ? { reason } : {}), since: new Date().toISOString() };
    this.emit('status', this.state);
  }

  /** Closes the RTSP session (the camera sees the client go) and stops opening it again. */
  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    clearTimeout(this.stall);
    this.child?.kill('SIGTERM');
    this.child = undefined;
  }
}

/** Which stream a camera reads: its name, URL and user (two readers of the same one share it). */
const streamOf = (name: string, source: CameraSource) => `${name}|${source.streamUrl}|${source.username ?? ''}`;

/** Why FFmpeg stopped, as a camera status and a short reason. */
export function classify(stderr: string, wasStreaming: boolean, code: number | null): { status: CameraStatus; reason: string } {
  const line = (re: RegExp) => stderr.split('\n').find((l) => re.test(l))?.trim();
  if (/401 Unauthorized/.test(stderr)) return { status: 'AUTH_FAILED', reason: 'the camera refused the credentials (401)' };
  const connection = line(/Connection refused|timed out|No route to host|Network is unreachable|Connection reset|Name or service not known|Failed to resolve|Operation not permitted|Broken pipe|End of file/i);
  if (connection) return { status: 'CONNECTION_ERROR', reason: connection.replace(/^\[[^\]]+\]\s*/, '').replace(/^rtsp:\/\/\S+:\s*/, '').slice(0, 120) };
  if (wasStreaming) return { status: 'CONNECTION_ERROR', reason: 'the stream ended' };
  if (/spawn .*ENOENT/.test(stderr)) return { status: 'STREAM_ERROR', reason: 'FFmpeg is not installed on this device' };
  const problem = line(/Invalid data|not find codec|Decoder .* not found|does not contain any stream|no video|Output file .* does not contain/i) ?? line(/error/i);
  return { status: 'STREAM_ERROR', reason: (problem ?? `FFmpeg exited with code ${code}`).replace(/^\[[^\]]+\]\s*/, '').slice(0, 120) };
}

/**
 * The device's cameras: each stream opened once, while any node reads it (a reference per
 * reader); the last reader closing it closes the RTSP session.
 */
export class CameraHub extends EventEmitter {
  private readonly cameras = new Map<string, { camera: Camera; readers: Set<string> }>();

  /** Opens (or shares) the stream of camera `name` for `reader`. */
  acquire(name: string, source: CameraSource, reader: string): Camera {
    let entry = this.cameras.get(streamOf(name, source));
    if (!entry) {
      const camera = new Camera(name, source);
      camera.on('status', () => this.emit('changed'));
      entry = { camera, readers: new Set() };
      this.cameras.set(camera.id, entry);
      this.emit('changed');
    }
    entry.readers.add(reader);
    return entry.camera;
  }

  release(camera: Camera, reader: string): void {
    const entry = this.cameras.get(camera.id);
    if (entry?.camera !== camera) return;
    entry.readers.delete(reader);
    if (entry.readers.size > 0) return;
    camera.close();
    this.cameras.delete(camera.id);
    this.emit('changed');
  }

  /** What the system shadow's `cameras` says: each open stream's status, reason and since when. */
  report(): { name: string; status: CameraStatus; reason?: string; since: string }[] {
    return [...this.cameras.values()].map(({ camera }) => ({ name: camera.name, ...camera.state }));
  }

  closeAll(): void {
    for (const { camera } of this.cameras.values()) camera.close();
    this.cameras.clear();
  }
}
