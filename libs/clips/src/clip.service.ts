import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { ArtifactStore, type ByteRange, UrlSigner } from '@edgefleet/artifacts';
import { CONFIG, type Config } from '@edgefleet/config';
import type { Tx } from '@edgefleet/db';
import { DomainError, assertPageSize, assertRole, cursorTimestamp, decodeCursor, notFound, pageOf, validationFailed } from '@edgefleet/domain';
import { AuditService, type Principal } from '@edgefleet/organizations';
import { MultipartUploads, etagOf } from '@edgefleet/packages';
import { type ClipRow, ClipRepository } from './clip.repository';

/** Where clip files live in the artifact store (by SHA-256). */
export const CLIP_FILES = 'clips';
/** clips/<thing>/<camera>/<timestamp>.mp4: the timestamp in milliseconds since the epoch or as ISO 8601. */
const CLIP_KEY = /^clips\/(device-[a-z2-7]{26})\/([A-Za-z0-9_.-]{1,128})\/([0-9A-Za-z:.+-]{1,40})\.mp4$/;
/** How long the URL of a clip's content lasts (a player may seek in it for that long). */
const CLIP_URL_TTL_SECONDS = 3600;

/** Clips deleted at once by retention, per statement. */
const PRUNE_BATCH = 500;
const DAY_MS = 86_400_000;

/** An organization's clip retention, and what it holds now. */
export interface ClipRetention {
  days: number;
  maxBytes: number;
  clips: number;
  usedBytes: number;
}

/** Who writes a clip: a device with temporary credentials, or an access key; named in `uploadedBy`. */
export interface ClipWriter {
  organizationId: string;
  actor: string;
}

export interface StoredClipObject {
  key: string;
  sizeBytes: number;
  etag: string;
  lastModified: Date;
}

export interface ClipView {
  clipId: string;
  deviceId: string;
  camera: string;
  objectKey: string;
  startedAt: Date;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: Date;
  /** A signed URL of the MP4 (GET, with Range for seeking), valid for an hour. */
  url: string;
}

/** A time argument a clip can have: from 1970 to 9999 (what a key's timestamp and Postgres hold alike). */
function assertClipTime(field: string, d: Date | null | undefined): void {
  const year = d?.getUTCFullYear();
  if (year !== undefined && !(year >= 1970 && year <= 9999)) throw validationFailed(field, 'must be a time from 1970 to 9999.');
}
const objectOf = (r: ClipRow): StoredClipObject => ({ key: r.objectKey, sizeBytes: Number(r.sizeBytes), etag: etagOf(r.sha256), lastModified: r.createdAt });
export const clipContentPath = (clipId: string) => `/clips/${clipId}/content`;

function parseKey(key: string): { deviceId: string; camera: string; startedAt: Date } {
  const m = CLIP_KEY.exec(key);
  const at = m ? (/^\d{1,15}$/.test(m[3]) ? new Date(Number(m[3])) : new Date(m[3].replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/, '$1-$2-$3T$4:$5:$6'))) : undefined;
  const year = at?.getUTCFullYear() ?? NaN;
  if (!m || !at || !(year >= 1970 && year <= 9999)) {
    throw validationFailed('key', `${JSON.stringify(key.slice(0, 200))} is not a clip's key: clips/<thing name>/<camera>/<timestamp>.mp4, the timestamp in milliseconds since the epoch or ISO 8601 (20261207T181500Z), from 1970 to 9999.`);
  }
  return { deviceId: m[1], camera: m[2], startedAt: at };
}

/**
 * Camera clips devices upload, as objects of the clips bucket (CLIPS_BUCKET) of the S3-compatible
 * endpoint, one organization's apart from another's: stored by SHA-256 as they stream in, indexed
 * by thing, camera and start time for operators (clips(deviceId, camera, from, to)).
 */
@Injectable()
export class ClipService {
  constructor(
    private readonly clips: ClipRepository,
    private readonly store: ArtifactStore,
    private readonly signer: UrlSigner,
    private readonly audit: AuditService,
    private readonly multipart: MultipartUploads,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** PutObject: a whole clip in one request (`signedSha256`: the body's SHA-256 the request signed, if it did). */
  async put(writer: ClipWriter, key: string, body: Readable, opts: { signedSha256?: string; sizeBytes?: number }): Promise<{ etag: string }> {
    const clip = await this.clipOf(writer, key);
    return this.record(writer, key, clip, await this.store.put(CLIP_FILES, body, { ...this.limits(opts.sizeBytes), sha256: opts.signedSha256 }));
  }

  /** CreateMultipartUpload (what SDKs and the aws CLI do above 8 MB): the parts wait aside until the upload completes. */
  async createMultipartUpload(writer: ClipWriter, key: string): Promise<{ uploadId: string }> {
    await this.clipOf(writer, key);
    return this.multipart.create({ organizationId: writer.organizationId, objectKey: key });
  }

  async uploadPart(writer: ClipWriter, key: string, uploadId: string, partNumber: number, body: Readable, opts: { signedSha256?: string; sizeBytes?: number }): Promise<{ etag: string }> {
    const upload = await this.multipart.find(writer.organizationId, key, uploadId);
    return this.multipart.part(upload, partNumber, body, { ...this.limits(opts.sizeBytes), signedSha256: opts.signedSha256 });
  }

  async completeMultipartUpload(writer: ClipWriter, key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<{ etag: string }> {
    const clip = await this.clipOf(writer, key);
    const upload = await this.multipart.find(writer.organizationId, key, uploadId);
    const result = await this.record(writer, key, clip, await this.store.put(CLIP_FILES, this.multipart.assemble(upload, parts), this.limits()));
    await this.multipart.drop(uploadId);
    return result;
  }

  async abortMultipartUpload(writer: ClipWriter, key: string, uploadId: string): Promise<void> {
    await this.multipart.find(writer.organizationId, key, uploadId);
    await this.multipart.drop(uploadId);
  }

  /** What a key says of its clip, the device one of the writer's organization. */
  private async clipOf(writer: ClipWriter, key: string): Promise<{ deviceId: string; camera: string; startedAt: Date }> {
    const clip = parseKey(key);
    if (!(await this.clips.device(writer.organizationId, clip.deviceId))) throw validationFailed('key', `names device ${clip.deviceId}, which is not one of this organization's.`);
    return clip;
  }

  private limits(sizeBytes?: number) {
    return { maxBytes: this.config.CLIP_MAX_BYTES, limitName: 'CLIP_MAX_BYTES', sizeBytes };
  }

  /** The clip's row for content stored: a key put again is replaced (S3's rule), and the content it had goes if no clip has it any more. */
  private async record(writer: ClipWriter, key: string, clip: { deviceId: string; camera: string; startedAt: Date }, stored: { sha256: string; sizeBytes: number }): Promise<{ etag: string }> {
    const { replaced } = await this.clips.transaction((tx) =>
      this.clips.upsert(tx, { organizationId: writer.organizationId, objectKey: key, ...clip, sha256: stored.sha256, sizeBytes: BigInt(stored.sizeBytes), uploadedBy: writer.actor }),
    );
    if (replaced) await this.forget(replaced);
    return { etag: etagOf(stored.sha256) };
  }

  async head(organizationId: string, key: string): Promise<StoredClipObject> {
    return objectOf(await this.row(organizationId, key));
  }

  async get(organizationId: string, key: string, range?: ByteRange): Promise<StoredClipObject & { body: Readable }> {
    const row = await this.row(organizationId, key);
    return { ...objectOf(row), body: this.store.openRead(CLIP_FILES, row.sha256, range) };
  }

  async list(organizationId: string, prefix: string, opts: { after?: string; maxKeys: number }): Promise<{ objects: StoredClipObject[]; truncated: boolean }> {
    const rows = await this.clips.list(organizationId, prefix, opts.after, opts.maxKeys + 1);
    return { objects: rows.slice(0, opts.maxKeys).map(objectOf), truncated: rows.length > opts.maxKeys };
  }

  /** DeleteObject: S3 answers 204 whether or not the key existed. */
  async delete(organizationId: string, key: string): Promise<void> {
    const row = await this.clips.transaction((tx) => this.clips.delete(tx, organizationId, key));
    if (row) await this.forget(row.sha256);
  }

  async retention(principal: Principal): Promise<ClipRetention> {
    const own = await this.clips.retention(principal.organizationId);
    const [usage] = await this.clips.usage(principal.organizationId);
    return { ...this.limitsOf(own), clips: usage?.clips ?? 0, usedBytes: Number(usage?.bytes ?? 0n) };
  }

  /** The organization's retention, within the installation's maximums (ADMIN); what is over it goes at the next sweep. */
  async setRetention(principal: Principal, input: { days?: number | null; maxBytes?: number | null }): Promise<ClipRetention> {
    assertRole(principal.role, 'ADMIN', 'Setting the clip retention');
    const { CLIPS_RETENTION_MAX_DAYS: maxDays, CLIPS_RETENTION_MAX_BYTES: maxBytes } = this.config;
    if (input.days != null && (!Number.isInteger(input.days) || input.days < 1 || input.days > maxDays)) throw validationFailed('days', `must be a whole number of days from 1 to ${maxDays} (CLIPS_RETENTION_MAX_DAYS).`);
    if (input.maxBytes != null && (!Number.isSafeInteger(input.maxBytes) || input.maxBytes < 1 || input.maxBytes > maxBytes)) throw validationFailed('maxBytes', `must be from 1 to ${maxBytes} bytes (CLIPS_RETENTION_MAX_BYTES).`);
    await this.clips.transaction(async (tx) => {
      await this.clips.setRetention(tx, principal.organizationId, { clipRetentionDays: input.days ?? undefined, clipRetentionBytes: input.maxBytes != null ? BigInt(input.maxBytes) : undefined });
      await this.audit.record(tx, principal, { action: 'clips.retention', targetType: 'Organization', targetId: principal.organizationId, details: { days: input.days ?? null, maxBytes: input.maxBytes ?? null } });
    });
    return this.retention(principal);
  }

  /** A device's clips deleted (of one camera, or those that start at or before `to`); how many. OPERATOR. */
  async deleteOfDevice(principal: Principal, args: { deviceId: string; camera?: string | null; to?: Date | null }): Promise<number> {
    assertRole(principal.role, 'OPERATOR', 'Deleting clips');
    assertClipTime('to', args.to);
    const rows = await this.clips.ofDevice(principal.organizationId, args.deviceId, args);
    // A deleted device's kept clips can go too; a device that is neither the organization's nor has clips there is not found.
    if (rows.length === 0 && !(await this.clips.device(principal.organizationId, args.deviceId))) throw notFound('Device', args.deviceId);
    const deleted = await this.remove(rows, (tx, gone) =>
      this.audit.record(tx, principal, { action: 'clips.delete', targetType: 'Device', targetId: args.deviceId, details: { camera: args.camera ?? null, to: args.to?.toISOString() ?? null, clips: gone.length } }),
    );
    return deleted.length;
  }

  /**
   * Retention, for the worker's sweep: each organization's clips older than its days go, then its
   * oldest until it holds no more than its bytes (of one organization, or all). How many clips and bytes went.
   */
  async prune(now: Date, organizationId?: string): Promise<{ clips: number; bytes: number }> {
    const gone = { clips: 0, bytes: 0 };
    /** Deletes the clips (and their files); the bytes that went. */
    const drop = async (rows: ClipRow[]) => {
      const deleted = await this.remove(rows);
      const bytes = deleted.reduce((n, r) => n + Number(r.sizeBytes), 0);
      gone.clips += deleted.length;
      gone.bytes += bytes;
      return bytes;
    };
    for (const usage of await this.clips.usage(organizationId)) {
      const limits = this.limitsOf(await this.clips.retention(usage.organizationId));
      const cutoff = new Date(now.getTime() - limits.days * DAY_MS);
      let bytes = Number(usage.bytes);
      for (;;) {
        const old = await this.clips.oldest(usage.organizationId, PRUNE_BATCH, cutoff);
        bytes -= await drop(old);
        if (old.length < PRUNE_BATCH) break;
      }
      while (bytes > limits.maxBytes) {
        const oldest = await this.clips.oldest(usage.organizationId, PRUNE_BATCH);
        if (oldest.length === 0) break;
        // The oldest first, only as many as it takes.
        let over = bytes - limits.maxBytes;
        const batch = oldest.filter((r) => (over > 0 ? ((over -= Number(r.sizeBytes)), true) : false));
        bytes -= await drop(batch);
      }
    }
    return gone;
  }

  private limitsOf(own: { clipRetentionDays: number | null; clipRetentionBytes: bigint | null } | null): { days: number; maxBytes: number } {
    return { days: own?.clipRetentionDays ?? this.config.CLIPS_RETENTION_DAYS, maxBytes: Number(own?.clipRetentionBytes ?? this.config.CLIPS_RETENTION_BYTES) };
  }

  /** Operators' view, newest first: a device's clips (of one camera or all), or a camera's on every device, between two times (a deleted device's clips kept too). */
  async page(principal: Principal, args: { deviceId?: string | null; camera?: string | null; from?: Date | null; to?: Date | null; first: number; after?: string | null }) {
    assertPageSize(args.first);
    if (!args.deviceId && !args.camera) throw validationFailed('deviceId', 'give a device, a camera, or both.');
    assertClipTime('from', args.from);
    assertClipTime('to', args.to);
    const after = args.after ? decodeCursor(args.after, 2, 'after') : null;
    const rows = await this.clips.page(principal.organizationId, { ...args, after: after ? [new Date(cursorTimestamp(after[0], 'after')), after[1]] : null });
    return pageOf(rows.map((r) => this.view(r)), args.first, (v) => [v.startedAt.toISOString(), v.clipId]);
  }

  async describe(principal: Principal, clipId: string): Promise<ClipView> {
    const row = await this.byId(clipId);
    if (!row || row.organizationId !== principal.organizationId) throw notFound('Clip', clipId);
    return this.view(row);
  }

  /** A clip's file by the clip's id (the signed content URL has been checked). */
  async blob(clipId: string): Promise<{ size: number; open: (range?: ByteRange) => Readable } | undefined> {
    const row = await this.byId(clipId);
    return row ? { size: Number(row.sizeBytes), open: (range) => this.store.openRead(CLIP_FILES, row.sha256, range) } : undefined;
  }

  private view(r: ClipRow): ClipView {
    return {
      clipId: r.id,
      deviceId: r.deviceId,
      camera: r.camera,
      objectKey: r.objectKey,
      startedAt: r.startedAt,
      sizeBytes: Number(r.sizeBytes),
      sha256: r.sha256,
      uploadedBy: r.uploadedBy,
      uploadedAt: r.createdAt,
      url: this.signer.sign('GET', clipContentPath(r.id), CLIP_URL_TTL_SECONDS).url,
    };
  }

  private byId(clipId: string): Promise<ClipRow | null> {
    return /^[0-9a-f-]{36}$/.test(clipId) ? this.clips.byId(clipId) : Promise.resolve(null);
  }

  private async row(organizationId: string, key: string): Promise<ClipRow> {
    const row = await this.clips.find(organizationId, key);
    if (!row) throw new DomainError('OBJECT_NOT_FOUND', `The specified key does not exist: ${key}`, { id: key });
    return row;
  }

  /** A file no clip has any more. */
  private async forget(sha256: string): Promise<void> {
    if (!(await this.clips.referenced(sha256))) await this.store.remove(CLIP_FILES, sha256);
  }

  /** Deletes these clips (with `also` in the same transaction), then the files no clip has any more; the rows that went. */
  private async remove(rows: ClipRow[], also?: (tx: Tx, deleted: ClipRow[]) => Promise<void>): Promise<ClipRow[]> {
    const deleted = await this.clips.transaction(async (tx) => {
      const gone = await this.clips.deleteMany(tx, rows.map((r) => r.id));
      await also?.(tx, gone);
      return gone;
    });
    for (const sha256 of new Set(deleted.map((r) => r.sha256))) await this.forget(sha256);
    return deleted;
  }
}
