import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { ArtifactStore } from '@edgefleet/artifacts';
import { DomainError } from '@edgefleet/domain';
import { PackageRepository } from './package.repository';

/** Where parts of multipart uploads wait, by their own SHA-256, until the upload completes. */
const UPLOAD_PARTS = 'upload-parts';
const MAX_PARTS = 10_000;

/** S3's ETag of content stored by its SHA-256: quoted, as S3 sends it. */
export const etagOf = (sha256: string) => `"${sha256}"`;

type Upload = NonNullable<Awaited<ReturnType<PackageRepository['upload']>>>;

/** A content digest that is not the one signed (or named), in S3's words. */
export const digestRefusal = (key: string, sha256?: string | null) => (err: unknown) => {
  if (err instanceof DomainError && err.reason === 'INVALID_ARGUMENT' && 'actual' in err.details) {
    throw new DomainError('DIGEST_MISMATCH', sha256 ? `${key} names SHA-256 ${sha256}; the content's is ${String(err.details.actual)}.` : `The content's SHA-256 is ${String(err.details.actual)}, not the one signed.`);
  }
  throw err;
};

/**
 * S3's multipart uploads, for any bucket of the S3-compatible endpoint (package files, camera
 * clips): an upload keyed to an organization and an object key, its parts kept aside by their own
 * SHA-256 until it completes, then streamed together in the order the completion lists them.
 */
@Injectable()
export class MultipartUploads {
  constructor(
    private readonly repository: PackageRepository,
    private readonly store: ArtifactStore,
  ) {}

  async create(u: { organizationId: string; objectKey: string; packageId?: string; sha256?: string }): Promise<{ uploadId: string }> {
    // Hex, not base64url: an ID that starts with '-' reads as an option to the aws CLI's argument parser.
    const uploadId = randomBytes(24).toString('hex');
    await this.repository.insertUpload({ uploadId, packageId: null, sha256: null, ...u });
    return { uploadId };
  }

  /** The organization's upload of this key; S3's NoSuchUpload otherwise. */
  async find(organizationId: string, objectKey: string, uploadId: string): Promise<Upload> {
    const upload = await this.repository.upload(organizationId, uploadId);
    if (!upload || upload.objectKey !== objectKey) throw new DomainError('UPLOAD_NOT_FOUND', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { id: uploadId });
    return upload;
  }

  async part(upload: Upload, partNumber: number, body: Readable, limits: { maxBytes: number; limitName: string; sizeBytes?: number; signedSha256?: string }): Promise<{ etag: string }> {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) throw new DomainError('INVALID_PART', `Part number must be an integer between 1 and ${MAX_PARTS}.`);
    const part = await this.store.put(UPLOAD_PARTS, body, { maxBytes: limits.maxBytes, limitName: limits.limitName, sizeBytes: limits.sizeBytes, sha256: limits.signedSha256 }).catch(digestRefusal(upload.objectKey));
    await this.repository.putPart(upload.uploadId, partNumber, part.sha256, part.sizeBytes);
    return { etag: etagOf(part.sha256) };
  }

  /** The parts the completion lists (uploaded, with their ETags, in ascending order, as S3 requires), as one stream. */
  assemble(upload: Upload, parts: { partNumber: number; etag: string }[]): Readable {
    if (parts.length === 0) throw new DomainError('INVALID_PART', 'You must specify at least one part.');
    const stored = new Map(upload.parts.map((p) => [p.partNumber, p]));
    const chosen = parts.map((p, i) => {
      const part = stored.get(p.partNumber);
      if (i > 0 && p.partNumber <= parts[i - 1].partNumber) throw new DomainError('INVALID_PART', 'The list of parts was not in ascending order.');
      if (!part || etagOf(part.sha256) !== `"${p.etag.replace(/"/g, '')}"`) throw new DomainError('INVALID_PART', `Part ${p.partNumber} was not uploaded, or its ETag is not ${p.etag}.`);
      return part;
    });
    const assembled = new PassThrough();
    void (async () => {
      for (const part of chosen) for await (const chunk of this.store.openRead(UPLOAD_PARTS, part.sha256)) if (!assembled.write(chunk)) await new Promise((r) => assembled.once('drain', r));
      assembled.end();
    })().catch((err: Error) => assembled.destroy(err));
    return assembled;
  }

  /** Completed or aborted: its rows go, and the part files no other upload shares. */
  async drop(uploadId: string): Promise<void> {
    for (const sha256 of await this.repository.dropUpload(uploadId)) await this.store.remove(UPLOAD_PARTS, sha256);
  }
}
