import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OutputFrame } from './sdk.server';
import type { OutputSink } from './vision.plane';

const FONT = process.env.EDGEFLEET_PREVIEW_FONT ?? '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** The last frame each application put on its output, per stream: what the preview shows and snapshots send. */
export class OutputFrames extends EventEmitter implements OutputSink {
  private readonly latest = new Map<string, Map<string, OutputFrame & { at: number }>>();

  constructor() {
    super();
    this.setMaxListeners(0);
  }

  put(applicationInstanceId: string, frames: OutputFrame[]): void {
    let streams = this.latest.get(applicationInstanceId);
    if (!streams) this.latest.set(applicationInstanceId, (streams = new Map()));
    for (const f of frames) streams.set(f.streamId, { ...f, at: Date.now() });
    this.emit('frame', applicationInstanceId);
  }

  drop(applicationInstanceId: string): void {
    this.latest.delete(applicationInstanceId);
  }

  frame(applicationInstanceId: string, streamId: string): (OutputFrame & { at: number }) | undefined {
    return this.latest.get(applicationInstanceId)?.get(streamId);
  }

  /** The instance's most recent frame, of whichever stream. */
  newest(applicationInstanceId: string): (OutputFrame & { at: number }) | undefined {
    return [...(this.latest.get(applicationInstanceId)?.values() ?? [])].sort((a, b) => b.at - a.at)[0];
  }

  list(): { applicationInstanceId: string; streamId: string }[] {
    return [...this.latest].flatMap(([applicationInstanceId, streams]) => [...streams.keys()].map((streamId) => ({ applicationInstanceId, streamId })));
  }
}

/**
 * A frame as a JPEG, its boxes and labels drawn (positions are fractions of the frame, as in
 * panoramasdk) with FFmpeg's drawbox and drawtext; scaled down to `maxWidth` when given.
 */
export function jpegOf(f: OutputFrame, opts: { maxWidth?: number; quality?: number; ffmpeg?: string } = {}): Promise<Buffer> {
  const filters: string[] = [];
  // The labels' text files, when there are labels.
  const work = f.labels.length ? mkdtempSync(path.join(tmpdir(), 'edgefleet-frame-')) : undefined;
  for (const [x1, y1, x2, y2] of f.rects) {
    const [x, y] = [Math.round(x1 * f.width), Math.round(y1 * f.height)];
    filters.push(`drawbox=x=${x}:y=${y}:w=${Math.max(1, Math.round((x2 - x1) * f.width))}:h=${Math.max(1, Math.round((y2 - y1) * f.height))}:color=lime:t=2`);
  }
  f.labels.forEach(([text, x, y], i) => {
    // The text through a file: nothing an application writes is parsed as a filter.
    const file = path.join(work!, `${i}.txt`);
    writeFileSync(file, text);
    filters.push(`drawtext=fontfile=${FONT}:textfile=${file}:x=${Math.round(x * f.width)}:y=${Math.round(y * f.height)}:fontsize=${Math.max(12, Math.round(f.height / 24))}:fontcolor=white:box=1:boxcolor=black@0.5`);
  });
  if (opts.maxWidth && f.width > opts.maxWidth) filters.push(`scale=${opts.maxWidth}:-2`);
  const args = ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'bgr24', '-s', `${f.width}x${f.height}`, '-i', 'pipe:0', ...(filters.length ? ['-vf', filters.join(',')] : []), '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', String(opts.quality ?? 5), 'pipe:1'];
  return new Promise((resolve, reject) => {
    const child = spawn(opts.ffmpeg ?? process.env.FFMPEG_PATH ?? 'ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      if (work) rmSync(work, { recursive: true, force: true });
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`the frame could not be encoded: ${err.trim().slice(0, 300)}`));
    });
    child.stdin.end(f.data);
  });
}
