import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OutputSink } from './vision.plane';
import type { OutputFrame } from './sdk.server';

const FONT = process.env.EDGEFLEET_PREVIEW_FONT ?? '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const BOUNDARY = 'edgefleet-frame';
/** At most this many frames a second go to a viewer of the MJPEG stream. */
const MJPEG_FPS = 5;

/**
 * The HDMI data sink of an appliance without a display: the frames applications put on
 * `video_out`, with their labels and boxes drawn (FFmpeg's drawtext and drawbox), served on the
 * device's own address only (127.0.0.1 by default): `/` lists them, `/<instance>/<stream>.jpg` is
 * the last frame, `/<instance>/<stream>.mjpeg` a live MJPEG stream. A frame is encoded only when
 * someone asks; nothing leaves the device.
 */
export class PreviewServer implements OutputSink {
  private readonly latest = new Map<string, Map<string, OutputFrame>>();
  private readonly viewers = new Set<() => void>();
  private readonly server: Server;
  private readonly work = mkdtempSync(path.join(tmpdir(), 'edgefleet-preview-'));

  constructor(private readonly ffmpeg = process.env.FFMPEG_PATH ?? 'ffmpeg') {
    this.server = createServer((req, res) => void this.handle(req, res).catch((err: Error) => (res.headersSent ? res.destroy() : res.writeHead(500).end(err.message))));
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => this.server.once('error', reject).listen(port, host, () => resolve((this.server.address() as { port: number }).port)));
  }

  put(applicationInstanceId: string, frames: OutputFrame[]): void {
    let streams = this.latest.get(applicationInstanceId);
    if (!streams) this.latest.set(applicationInstanceId, (streams = new Map()));
    for (const f of frames) streams.set(f.streamId, f);
    for (const wake of this.viewers) wake();
  }

  drop(applicationInstanceId: string): void {
    this.latest.delete(applicationInstanceId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://device');
    if (url.pathname === '/') {
      const list = [...this.latest].flatMap(([instance, streams]) => [...streams.keys()].map((s) => ({ applicationInstanceId: instance, streamId: s, jpeg: `/${instance}/${encodeURIComponent(s)}.jpg`, mjpeg: `/${instance}/${encodeURIComponent(s)}.mjpeg` })));
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
    }
    const m = /^\/([^/]+)\/([^/]+)\.(jpg|mjpeg)$/.exec(url.pathname);
    const frame = () => (m ? this.latest.get(m[1])?.get(decodeURIComponent(m[2])) : undefined);
    if (!m || !frame()) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('no such output: see / for what there is\n');
    if (m[3] === 'jpg') {
      const f = frame()!;
      const jpeg = await this.encode(f);
      return void res.writeHead(200, { 'content-type': 'image/jpeg', 'cache-control': 'no-store', 'x-labels': JSON.stringify(f.labels.map((l) => l[0])).slice(0, 4000) }).end(jpeg);
    }
    res.writeHead(200, { 'content-type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`, 'cache-control': 'no-store' });
    let closed = false;
    let wake: () => void = () => undefined;
    const waker = () => wake();
    this.viewers.add(waker);
    req.on('close', () => ((closed = true), this.viewers.delete(waker), wake()));
    let last: OutputFrame | undefined;
    while (!closed) {
      const f = frame();
      if (!f) break;
      if (f !== last) {
        last = f;
        const jpeg = await this.encode(f);
        if (closed) break;
        res.write(`--${BOUNDARY}\r\ncontent-type: image/jpeg\r\ncontent-length: ${jpeg.length}\r\n\r\n`);
        res.write(jpeg);
        res.write('\r\n');
        await new Promise((r) => setTimeout(r, 1000 / MJPEG_FPS));
      } else await new Promise<void>((r) => (wake = r));
    }
    res.end();
  }

  /** The frame as a JPEG, its boxes and labels drawn (positions are fractions of the frame, as in panoramasdk). */
  private encode(f: OutputFrame): Promise<Buffer> {
    const filters: string[] = [];
    const files: string[] = [];
    for (const [x1, y1, x2, y2] of f.rects) {
      const [x, y] = [Math.round(x1 * f.width), Math.round(y1 * f.height)];
      filters.push(`drawbox=x=${x}:y=${y}:w=${Math.max(1, Math.round((x2 - x1) * f.width))}:h=${Math.max(1, Math.round((y2 - y1) * f.height))}:color=lime:t=2`);
    }
    f.labels.forEach(([text, x, y], i) => {
      // The text through a file: nothing an application writes is parsed as a filter.
      const file = path.join(this.work, `${process.hrtime.bigint()}-${i}.txt`);
      writeFileSync(file, text);
      files.push(file);
      filters.push(`drawtext=fontfile=${FONT}:textfile=${file}:x=${Math.round(x * f.width)}:y=${Math.round(y * f.height)}:fontsize=${Math.max(12, Math.round(f.height / 24))}:fontcolor=white:box=1:boxcolor=black@0.5`);
    });
    const args = ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'bgr24', '-s', `${f.width}x${f.height}`, '-i', 'pipe:0', ...(filters.length ? ['-vf', filters.join(',')] : []), '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '5', 'pipe:1'];
    return new Promise((resolve, reject) => {
      const child = spawn(this.ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      child.on('error', reject);
      child.stdin.on('error', () => undefined);
      child.on('close', (code) => {
        for (const file of files) rmSync(file, { force: true });
        if (code === 0) resolve(Buffer.concat(out));
        else reject(new Error(`the preview could not be encoded: ${err.trim().slice(0, 300)}`));
      });
      child.stdin.end(f.data);
    });
  }

  close(): Promise<void> {
    rmSync(this.work, { recursive: true, force: true });
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
