import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * A file by its signed URL into `<dir>/<sha256>`: resumed with a Range request after an
 * interruption (`.part`), kept only when its size and SHA-256 are the expected ones.
 * `steps.downloading` is told when bytes have to move (not when the file is there already).
 */
export async function downloadVerified(
  file: { url: string; sha256: string; size: number },
  dir: string,
  steps: { downloading?: () => Promise<void>; verifying?: () => Promise<void> } = {},
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const target = path.join(dir, file.sha256);
  if (!existsSync(target)) {
    await steps.downloading?.();
    const part = `${target}.part`;
    const have = existsSync(part) ? statSync(part).size : 0;
    const res = await fetch(file.url, { headers: have > 0 && have < file.size ? { range: `bytes=${have}-` } : {} });
    if (res.status !== 200 && res.status !== 206) throw new Error(`download failed: HTTP ${res.status} ${await res.text()}`);
    await pipeline(Readable.fromWeb(res.body as never), createWriteStream(part, { flags: res.status === 206 ? 'a' : 'w' }));
    renameSync(part, target);
  }
  await steps.verifying?.();
  const size = statSync(target).size;
  const digest = await sha256Of(target);
  if (size !== file.size || digest !== file.sha256) {
    rmSync(target, { force: true });
    throw new Error(`verification failed: got ${size} bytes with SHA-256 ${digest}, expected ${file.size} bytes with ${file.sha256}`);
  }
  return target;
}
