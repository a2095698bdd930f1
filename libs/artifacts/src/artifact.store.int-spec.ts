import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { DomainError } from '@edgefleet/domain';
import { ArtifactStore } from './artifact.store';

/** The blob store on the real filesystem: what is stored, what is read back, and that a refused upload leaves nothing. */
describe('ArtifactStore', () => {
  let root: string;
  let store: ArtifactStore;
  const content = randomBytes(200_000);
  const sha256 = createHash('sha256').update(content).digest('hex');
  // Several chunks, so limits and errors strike mid-stream as with a real upload.
  const chunks = (data: Buffer, size = 16_384) => Readable.from(Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)));
  const files = async (namespace: string) => (existsSync(path.join(root, namespace)) ? (await readdir(path.join(root, namespace))).sort() : []);
  const refusal = (promise: Promise<unknown>) => promise.then(() => 'stored', (err) => (err instanceof DomainError ? `${err.code}: ${err.message}` : String(err)));

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'edgefleet-artifacts-'));
    store = new ArtifactStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('stores a file under its SHA-256 in its namespace folder and reads it back', async () => {
    expect(await store.put('images', chunks(content), { maxBytes: 1_000_000 })).toEqual({ sha256, sizeBytes: content.length });
    expect(await files('images')).toEqual([sha256]); // DATA_DIR/images/<sha256>: where image files always lived
    expect(await store.exists('images', sha256)).toBe(true);
    expect(await store.exists('packages', sha256)).toBe(false);
    expect(await store.stat('images', sha256)).toEqual({ sizeBytes: content.length });
    expect((await buffer(store.openRead('images', sha256))).equals(content)).toBe(true);
    expect(await store.stat('images', '../../etc/passwd')).toBeUndefined();
  });

  it('accepts a file whose expected digest and size match', async () => {
    expect(await store.put('packages', chunks(content), { maxBytes: 1_000_000, sha256: sha256.toUpperCase(), sizeBytes: content.length })).toEqual({ sha256, sizeBytes: content.length });
  });

  it('reads one range of a file', async () => {
    await store.put('images', chunks(content), { maxBytes: 1_000_000 });
    expect((await buffer(store.openRead('images', sha256, { start: 100_000, end: 100_099 }))).equals(content.subarray(100_000, 100_100))).toBe(true);
    expect((await buffer(store.openRead('images', sha256, { start: 150_000, end: content.length - 1 }))).equals(content.subarray(150_000))).toBe(true);
  });

  it('refuses a file whose digest is not the expected one, and keeps nothing', async () => {
    const other = createHash('sha256').update('something else').digest('hex');
    expect(await refusal(store.put('packages', chunks(content), { maxBytes: 1_000_000, sha256: other }))).toBe(`VALIDATION_FAILED: The file's SHA-256 is ${sha256}, not the expected ${other}.`);
    expect(await files('packages')).toEqual([]);
    expect(await store.exists('packages', sha256)).toBe(false);
  });

  it('refuses a file past the size limit, or not of its declared size, and keeps nothing', async () => {
    expect(await refusal(store.put('images', chunks(content), { maxBytes: 50_000, limitName: 'IMAGE_MAX_BYTES' }))).toBe('VALIDATION_FAILED: The file is larger than IMAGE_MAX_BYTES (50000).');
    expect(await refusal(store.put('images', chunks(content), { maxBytes: 1_000_000, sizeBytes: 300_000 }))).toBe(`VALIDATION_FAILED: The upload ended after ${content.length} of 300000 bytes.`);
    expect(await refusal(store.put('images', chunks(content), { maxBytes: 1_000_000, sizeBytes: 100_000 }))).toBe('VALIDATION_FAILED: The upload is longer than its declared 100000 bytes.');
    expect(await refusal(store.put('images', Readable.from([]), { maxBytes: 1_000_000 }))).toBe('VALIDATION_FAILED: The file is empty.');
    expect(await files('images')).toEqual([]);
  });

  it('keeps nothing of an upload whose stream breaks off', async () => {
    const broken = Readable.from((async function* () {
      yield content.subarray(0, 65_536);
      throw new Error('connection reset');
    })());
    await expect(store.put('images', broken, { maxBytes: 1_000_000 })).rejects.toThrow('connection reset');
    expect(await files('images')).toEqual([]);
  });

  it('leaves exactly one file, and no temporary files, after concurrent puts of the same content', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => store.put('images', chunks(content), { maxBytes: 1_000_000 })));
    expect(results).toEqual(Array(5).fill({ sha256, sizeBytes: content.length }));
    expect(await files('images')).toEqual([sha256]);
    expect((await buffer(store.openRead('images', sha256))).equals(content)).toBe(true);
  });
});
