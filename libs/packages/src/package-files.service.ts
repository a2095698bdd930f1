import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { ArtifactStore, type ByteRange, UrlSigner } from '@edgefleet/artifacts';
import { CONFIG, type Config } from '@edgefleet/config';
import { DomainError, notFound, validationFailed } from '@edgefleet/domain';
import { AuditService, type Principal } from '@edgefleet/organizations';
import { PackageRepository } from './package.repository';

/** The artifact store's folder of package files: DATA_DIR/packages. */
export const PACKAGE_FILES = 'packages';
/** Package manifests and descriptors are read whole into memory: they are small JSON files. */
const MAX_DOCUMENT_BYTES = 1024 * 1024;
export const SHA256 = /^[a-f0-9]{64}$/;

export const assetUploadPath = (assetId: string) => `/packages/assets/upload/${assetId}`;
export const assetDownloadPath = (sha256: string) => `/packages/assets/download/${sha256}`;

export interface PackageAssetView {
  sha256: string;
  sizeBytes: number;
  uploadedAt: Date | null;
}

/**
 * The files of packages (containers, models, descriptors, package manifests): declared by
 * digest and size, uploaded once through a signed URL, stored once by SHA-256 under
 * DATA_DIR/packages, and read back by devices through signed download URLs.
 */
@Injectable()
export class PackageFiles {
  constructor(
    private readonly packages: PackageRepository,
    private readonly audit: AuditService,
    private readonly store: ArtifactStore,
    private readonly signer: UrlSigner,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** A signed URL taking one PUT of the file with this digest and size (a container, model, descriptor or the package manifest). */
  async createUploadUrl(principal: Principal, packageId: string, sha256: string, sizeBytes: number): Promise<{ url: string | null; expiresAt: Date | null; alreadyUploaded: boolean }> {
    if (!SHA256.test(sha256)) throw validationFailed('sha256', 'must be 64 lowercase hex characters (the SHA-256 of the file).');
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 1 || sizeBytes > this.config.PACKAGE_ASSET_MAX_BYTES) {
      throw validationFailed('sizeBytes', `must be a whole number of bytes from 1 to PACKAGE_ASSET_MAX_BYTES (${this.config.PACKAGE_ASSET_MAX_BYTES}).`);
    }
    await this.assertPackage(principal, packageId);
    return this.packages.transaction(async (tx) => {
      // A new URL may correct the declared size of a file not uploaded yet.
      const asset = await this.packages.declareAsset(tx, packageId, sha256, sizeBytes);
      if (asset.uploadedAt) return { url: null, expiresAt: null, alreadyUploaded: true };
      const signed = this.signer.sign('PUT', assetUploadPath(asset.id), this.config.PACKAGE_ASSET_URL_TTL_SECONDS);
      await this.audit.record(tx, principal, {
        action: 'package.createAssetUploadUrl',
        targetType: 'Package',
        targetId: packageId,
        details: { sha256, sizeBytes, expiresAt: signed.expiresAt.toISOString() },
      });
      return { ...signed, alreadyUploaded: false };
    });
  }

  /** Streams an upload in, refusing any content but the declared digest and size; nothing is kept from a refused upload. */
  async receiveUpload(assetId: string, body: Readable): Promise<PackageAssetView> {
    const asset = await this.packages.asset(assetId);
    if (!asset) throw notFound('Resource', assetId);
    if (asset.uploadedAt) throw new DomainError('ALREADY_UPLOADED', `The file ${asset.sha256} is already uploaded.`);
    await this.store.put(PACKAGE_FILES, body, { maxBytes: this.config.PACKAGE_ASSET_MAX_BYTES, limitName: 'PACKAGE_ASSET_MAX_BYTES', sha256: asset.sha256, sizeBytes: Number(asset.sizeBytes) });
    // Content-addressed: a concurrent upload of the same digest wrote the same bytes, so the file is right either way.
    const uploadedAt = new Date(); // a record's time, not a deadline
    await this.packages.markUploaded(assetId, uploadedAt);
    return { sha256: asset.sha256, sizeBytes: Number(asset.sizeBytes), uploadedAt };
  }

  async list(principal: Principal, packageId: string): Promise<PackageAssetView[]> {
    await this.assertPackage(principal, packageId);
    const rows = await this.packages.assets(packageId);
    return rows.map((a) => ({ sha256: a.sha256, sizeBytes: Number(a.sizeBytes), uploadedAt: a.uploadedAt }));
  }

  /** The digests of the package's uploaded files. */
  uploaded(packageId: string): Promise<Set<string>> {
    return this.packages.uploadedDigests(packageId);
  }

  /** A stored package file, if any: its size, and a reader of all or one range of it. */
  async blob(sha256: string): Promise<{ size: number; open: (range?: ByteRange) => Readable } | undefined> {
    const found = await this.store.stat(PACKAGE_FILES, sha256);
    return found && { size: found.sizeBytes, open: (range) => this.store.openRead(PACKAGE_FILES, sha256, range) };
  }

  /** A signed download URL of a package file (for devices, and for checking an upload). */
  downloadUrl(sha256: string, ttlSeconds = this.config.IMAGE_DOWNLOAD_URL_TTL_SECONDS): string {
    return this.signer.sign('GET', assetDownloadPath(sha256), ttlSeconds).url;
  }

  /** The files of a registered version, by its package's name: its manifest, and the sizes of the package's files (what a deployment spec names). */
  async ofVersion(organizationId: string, packageName: string, packageVersion: string, patchVersion: string): Promise<{ manifest: unknown; sizes: Map<string, number> } | undefined> {
    const version = await this.packages.versionWithAssets(organizationId, packageName, packageVersion, patchVersion);
    return version ? { manifest: version.descriptor, sizes: new Map(version.package.assets.map((a) => [a.sha256, Number(a.sizeBytes)])) } : undefined;
  }

  /** A small uploaded JSON document of the package (its manifest or a descriptor), parsed. */
  async readDocument(packageId: string, sha256: string, field: string, what: string): Promise<unknown> {
    const asset = await this.packages.assetByDigest(packageId, sha256);
    if (!asset?.uploadedAt) throw new DomainError('ASSET_NOT_UPLOADED', `${field}: ${what} ${sha256} is not uploaded to this package yet (createPackageAssetUploadUrl, then PUT the file).`, { field });
    if (asset.sizeBytes > BigInt(MAX_DOCUMENT_BYTES)) throw validationFailed(field, `${what} is ${asset.sizeBytes} bytes; JSON documents may be at most ${MAX_DOCUMENT_BYTES}.`, 'INVALID_PACKAGE_MANIFEST');
    const chunks: Buffer[] = [];
    for await (const chunk of this.store.openRead(PACKAGE_FILES, sha256)) chunks.push(chunk as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (err) {
      throw validationFailed(field, `${what} is not valid JSON (${(err as Error).message}).`, 'INVALID_JSON');
    }
  }

  private async assertPackage(principal: Principal, packageId: string): Promise<void> {
    if (!(await this.packages.find(principal.organizationId, packageId))) throw notFound('Package', packageId);
  }
}
