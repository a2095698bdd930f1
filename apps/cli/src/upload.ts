import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError, EXIT } from './errors';
import type { Progress } from './progress';

export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`, EXIT.USAGE);
  }
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** One PUT of a file to a signed URL (a package asset, a software image), streamed with a progress bar. */
export async function putFile(url: string, file: string, progress: Progress): Promise<void> {
  const sizeBytes = fileSize(file);
  const name = path.basename(file);
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      progress.update(name, sent, Math.max(1, sizeBytes), 'uploading');
      done(null, chunk);
    },
  });
  const body = Readable.toWeb(createReadStream(file).pipe(counter)) as ReadableStream;
  const res = await fetch(url, { method: 'PUT', body, duplex: 'half', headers: { 'content-type': 'application/octet-stream', 'content-length': String(sizeBytes) } } as RequestInit);
  if (!res.ok) throw new CliError(`upload of ${file} refused: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`, EXIT.REFUSED);
  progress.update(name, sizeBytes, Math.max(1, sizeBytes), 'uploaded');
}
