import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A key kept in a file under DATA_DIR (mode 0600), made on first use: `encode` turns 32 random
 * bytes into the file's text. Written aside and linked into place, so a process starting at
 * the same time never reads half a key. Returns the file's text, trimmed.
 */
export function loadOrCreateKeyFile(file: string, encode: (bytes: Buffer) => string): string {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${encode(randomBytes(32))}\n`, { mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process made it first
    } finally {
      unlinkSync(tmp);
    }
  }
  return readFileSync(file, 'utf8').trim();
}
