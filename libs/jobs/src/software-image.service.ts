import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { ArtifactStore, type ByteRange, UrlSigner } from '@edgefleet/artifacts';
import { CONFIG, type Config } from '@edgefleet/config';
import { Prisma } from '@edgefleet/db';
import { DomainError, compareSoftwareVersions, notFound, validationFailed } from '@edgefleet/domain';
import { AuditService, type Principal } from '@edgefleet/organizations';
import { type SoftwareImageRow, SoftwareImageRepository } from './software-image.repository';

const VERSION = /^\d{1,9}(\.\d{1,9}){1,3}$/;
/** The artifact store's folder of image files: DATA_DIR/images, as before the store existed. */
const IMAGES = 'images';

export interface SoftwareImageView {
  id: string;
  version: string;
  releaseNotes: string | null;
  majorVersionUpdate: boolean;
  sha256: string | null;
  size: number | null;
  uploadedAt: Date | null;
  createdAt: Date;
}

export const uploadPath = (imageId: string) => `/images/upload/${imageId}`;
export const downloadPath = (sha256: string) => `/images/download/${sha256}`;

/**
 * Software images: registered by version, then uploaded once through a short-lived
 * signed PUT URL; stored by SHA-256 in DATA_DIR/images. Devices download them
 * through signed GET URLs (see the api's image routes).
 */
@Injectable()
export class SoftwareImageService {
  constructor(
    private readonly images: SoftwareImageRepository,
    private readonly audit: AuditService,
    private readonly store: ArtifactStore,
    private readonly signer: UrlSigner,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async register(principal: Principal, input: { version: string; releaseNotes?: string | null; majorVersionUpdate?: boolean | null }): Promise<SoftwareImageView> {
    if (!VERSION.test(input.version)) throw validationFailed('version', `"${input.version}" is not a dotted version like 4.3.55.`);
    if (input.releaseNotes && input.releaseNotes.length > 10_000) throw validationFailed('releaseNotes', 'must be at most 10000 characters.');
    try {
      return await this.images.transaction(async (tx) => {
        const image = await this.images.insert(tx, { organizationId: principal.organizationId, version: input.version, releaseNotes: input.releaseNotes ?? null, majorVersionUpdate: input.majorVersionUpdate ?? false });
        await this.audit.record(tx, principal, { action: 'softwareImage.register', targetType: 'SoftwareImage', targetId: image.id, details: { version: image.version } });
        return view(image);
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw new DomainError('ALREADY_EXISTS', `Software image ${input.version} is already registered.`, { version: input.version });
      }
      throw err;
    }
  }

  async list(principal: Principal): Promise<SoftwareImageView[]> {
    const rows = await this.images.list(principal.organizationId);
    return rows.map(view).sort((a, b) => compareSoftwareVersions(b.version, a.version));
  }

  async get(principal: Principal, version: string): Promise<SoftwareImageView> {
    const image = await this.images.byVersion(principal.organizationId, version);
    if (!image) throw notFound('Software image', version);
    return view(image);
  }

  /** A signed URL accepting one PUT of the image file; an image's file never changes once uploaded. */
  async createUploadUrl(principal: Principal, version: string): Promise<{ url: string; expiresAt: Date }> {
    const image = await this.get(principal, version);
    if (image.uploadedAt) throw new DomainError('ALREADY_UPLOADED', `Software image ${version} is already uploaded (sha256 ${image.sha256}); register a new version instead.`);
    const signed = this.signer.sign('PUT', uploadPath(image.id), this.config.IMAGE_UPLOAD_URL_TTL_SECONDS);
    // Who was let upload the file, and until when; never the URL, which is the credential.
    await this.audit.recordNow(principal, {
      action: 'softwareImage.createUploadUrl',
      targetType: 'SoftwareImage',
      targetId: image.id,
      details: { version, expiresAt: signed.expiresAt.toISOString() },
    });
    return signed;
  }

  /** Streams an upload to disk while hashing it; the image records its digest and size once the file is complete. */
  async receiveUpload(imageId: string, body: Readable, declaredLength?: number): Promise<SoftwareImageView> {
    const image = await this.images.byId(imageId);
    if (!image) throw notFound('Software image', imageId);
    if (image.uploadedAt) throw new DomainError('ALREADY_UPLOADED', `Software image ${image.version} is already uploaded.`);
    const max = this.config.IMAGE_MAX_BYTES;
    if (declaredLength !== undefined && declaredLength > max) throw new DomainError('PAYLOAD_TOO_LARGE', `The image is larger than IMAGE_MAX_BYTES (${max}).`);
    const stored = await this.store.put(IMAGES, body, { maxBytes: max, limitName: 'IMAGE_MAX_BYTES', sizeBytes: declaredLength });
    const uploaded = { sha256: stored.sha256, size: BigInt(stored.sizeBytes), storageKey: `${IMAGES}/${stored.sha256}`, uploadedAt: new Date() };
    if (!(await this.images.markUploaded(imageId, uploaded))) {
      // A concurrent PUT on the same URL won. Its commit is visible by now (the update above waited
      // for its row lock), so a file no image uses is this losing upload's, and is dropped.
      if (!(await this.images.usesFile(stored.sha256))) await this.store.remove(IMAGES, stored.sha256);
      throw new DomainError('ALREADY_UPLOADED', `Software image ${image.version} was uploaded meanwhile.`);
    }
    return view({ ...image, ...uploaded });
  }

  /** The stored file of a digest, if any: its size, and a reader of all or one range of it. */
  async blob(sha256: string): Promise<{ size: number; open: (range?: ByteRange) => Readable } | undefined> {
    const found = await this.store.stat(IMAGES, sha256);
    return found && { size: found.sizeBytes, open: (range) => this.store.openRead(IMAGES, sha256, range) };
  }

  /** A device's signed download URL for an image file. */
  downloadUrl(sha256: string): string {
    return this.signer.sign('GET', downloadPath(sha256), this.config.IMAGE_DOWNLOAD_URL_TTL_SECONDS).url;
  }
}

function view(i: SoftwareImageRow): SoftwareImageView {
  return { id: i.id, version: i.version, releaseNotes: i.releaseNotes, majorVersionUpdate: i.majorVersionUpdate, sha256: i.sha256, size: i.size === null ? null : Number(i.size), uploadedAt: i.uploadedAt, createdAt: i.createdAt };
}
