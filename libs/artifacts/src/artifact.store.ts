import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '@edgefleet/domain';

const SHA256 = /^[a-f0-9]{64}$/;
const NAMESPACE = /^[a-z][a-z0-9-]*$/;

export interface PutOptions {
  /** Refused while it streams in, once the file grows past this. */
  maxBytes: number;
  /** The setting behind maxBytes (e.g. IMAGE_MAX_BYTES), named in the refusal so the user knows what to raise. */
  limitName?: string;
  /** When the caller knows the digest (a declared asset), any other content is refused. */
  sha256?: string;
  /** When the caller knows the length (Content-Length, a declared asset), a shorter or longer file is refused. */
  sizeBytes?: number;
}

export interface StoredArtifact {
  sha256: string;
  sizeBytes: number;
}

/** Inclusive byte offsets, as in HTTP's Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Content-addressed blobs: each file lives once at `<root>/<namespace>/<sha256>` (root is
 * DATA_DIR; `images` for software images, `packages` for package assets) and never changes
 * once written. A refused or broken upload leaves nothing behind.
 */
export class ArtifactStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Streams a file in, hashing it as it arrives, and stores it under its SHA-256. */
  async put(namespace: string, body: Readable, options: PutOptions): Promise<StoredArtifact> {
    const dir = this.dir(namespace);
    await mkdir(dir, { recursive: true });
    // Written aside in the same folder, so the rename into place is atomic: readers never see half
    // a file, and of two puts of the same content the later one just replaces an identical file.
    const tmp = path.join(dir, `.upload-${randomUUID()}`);
    // Opened here rather than by createWriteStream (which opens later, asynchronously), so the
    // cleanup below cannot run before the file exists.
    const file = await open(tmp, 'wx', 0o600);
    const hash = createHash('sha256');
    let size = 0;
    try {
      try {
        await pipeline(
          body,
          new Transform({
            transform(chunk: Buffer, _enc, done) {
              size += chunk.length;
              if (size > options.maxBytes) return done(tooLarge(options));
              if (options.sizeBytes !== undefined && size > options.sizeBytes) {
                return done(new DomainError('PAYLOAD_TOO_LARGE', `The upload is longer than its declared ${options.sizeBytes} bytes.`));
              }
              hash.update(chunk);
              done(null, chunk);
            },
          }),
          // flush: on disk before it gets its final name, so a crash cannot leave a truncated blob under a digest.
          file.createWriteStream({ flush: true }),
        );
      } finally {
        await file.close(); // the stream closes it too; this waits for that, also when the upload failed
      }
      if (size === 0) throw new DomainError('UPLOAD_INCOMPLETE', 'The file is empty.');
      if (options.sizeBytes !== undefined && size < options.sizeBytes) {
        throw new DomainError('UPLOAD_INCOMPLETE', `The upload ended after ${size} of ${options.sizeBytes} bytes.`);
      }
      const sha256 = hash.digest('hex');
      const expected = options.sha256?.toLowerCase();
      if (expected !== undefined && sha256 !== expected) {
        throw new DomainError('INVALID_ARGUMENT', `The file's SHA-256 is ${sha256}, not the expected ${expected}.`, { expected, actual: sha256 });
      }
      await rename(tmp, path.join(dir, sha256));
      return { sha256, sizeBytes: size };
    } finally {
      await rm(tmp, { force: true }); // a no-op once renamed
    }
  }

  /** The size of a stored file, or undefined when there is none (or the digest is malformed). */
  async stat(namespace: string, sha256: string): Promise<{ sizeBytes: number } | undefined> {
    if (!SHA256.test(sha256)) return undefined;
    try {
      return { sizeBytes: (await stat(this.file(namespace, sha256))).size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async exists(namespace: string, sha256: string): Promise<boolean> {
    return (await this.stat(namespace, sha256)) !== undefined;
  }

  /** Reads a stored file, whole or one range of it. */
  openRead(namespace: string, sha256: string, range?: ByteRange): Readable {
    return createReadStream(this.file(namespace, sha256), range);
  }

  /** Drops a stored file; the caller makes sure nothing refers to its digest any more. */
  async remove(namespace: string, sha256: string): Promise<void> {
    await rm(this.file(namespace, sha256), { force: true });
  }

  private dir(namespace: string): string {
    if (!NAMESPACE.test(namespace)) throw new Error(`Invalid artifact namespace "${namespace}".`);
    return path.join(this.root, namespace);
  }

  private file(namespace: string, sha256: string): string {
    // The digest names a file: anything else (a path, "..") must never reach the filesystem.
    if (!SHA256.test(sha256)) throw new Error(`Invalid SHA-256 "${sha256}".`);
    return path.join(this.dir(namespace), sha256);
  }
}

function tooLarge(options: PutOptions): DomainError {
  const limit = options.limitName ? `${options.limitName} (${options.maxBytes})` : `${options.maxBytes} bytes`;
  return new DomainError('PAYLOAD_TOO_LARGE', `The file is larger than ${limit}.`, { maxBytes: options.maxBytes });
}
