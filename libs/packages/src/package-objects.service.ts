import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { ArtifactStore, type ByteRange } from '@edgefleet/artifacts';
import { CONFIG, type Config } from '@edgefleet/config';
import { DomainError } from '@edgefleet/domain';
import { AuditService, type Principal } from '@edgefleet/organizations';
import { MultipartUploads, digestRefusal, etagOf } from './multipart-uploads.service';
import { PACKAGE_FILES } from './package-files.service';
import { PACKAGE_BUCKET } from './package-import.service';
import { PackageRepository } from './package.repository';

/** `packages/<packageId>/…/<sha256>.tar.gz|json`: a package's file, under the prefixes of its StorageLocation. */
const KEY = /^packages\/(package-[a-z2-7]{26})\/(?:[A-Za-z0-9._-]+\/){0,4}([a-f0-9]{64})\.(tar\.gz|json)$/;

export interface StoredObject {
  key: string;
  sizeBytes: number;
  etag: string;
  lastModified: Date;
}

/** Files uploaded by signed URL have no key: they list under the package's binaries. */
const keyOf = (packageId: string, a: { sha256: string; objectKey: string | null }) => a.objectKey ?? `packages/${packageId}/binaries/${a.sha256}`;

/**
 * Package files as S3 objects, for the S3-compatible endpoint (`aws s3 cp`, `aws s3api`, as
 * panorama-cli runs them): the bucket is the packages' StorageLocation bucket, a key names its
 * package and the file's SHA-256, and the content must have that digest. Objects land in the
 * artifact store by SHA-256, like files uploaded by signed URL; multipart uploads keep their
 * parts aside until they complete. A key outside the caller organization's packages is refused.
 */
@Injectable()
export class PackageObjects {
  constructor(
    private readonly packages: PackageRepository,
    private readonly multipart: MultipartUploads,
    private readonly store: ArtifactStore,
    private readonly audit: AuditService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** PutObject: the whole file in one request (`signedSha256`: the body's SHA-256 the request signed, if it did). */
  async put(principal: Principal, bucket: string, key: string, body: Readable, opts: { signedSha256?: string; sizeBytes?: number }): Promise<{ etag: string }> {
    const { packageId, sha256 } = await this.resolve(principal, bucket, key);
    await this.store.put(PACKAGE_FILES, body, { ...this.limits(opts.sizeBytes), sha256: this.expected(sha256, opts.signedSha256) }).catch(digestRefusal(key, sha256));
    await this.recorded(principal, packageId, sha256, key);
    return { etag: etagOf(sha256) };
  }

  async head(principal: Principal, bucket: string, key: string): Promise<StoredObject> {
    const { packageId, sha256 } = await this.resolve(principal, bucket, key);
    const asset = await this.packages.assetByDigest(packageId, sha256);
    if (!asset?.uploadedAt) throw new DomainError('OBJECT_NOT_FOUND', `The specified key does not exist: ${key}`, { id: key });
    return { key, sizeBytes: Number(asset.sizeBytes), etag: etagOf(sha256), lastModified: asset.uploadedAt };
  }

  async get(principal: Principal, bucket: string, key: string, range?: ByteRange): Promise<StoredObject & { body: Readable }> {
    const object = await this.head(principal, bucket, key);
    return { ...object, body: this.store.openRead(PACKAGE_FILES, KEY.exec(key)![2], range) };
  }

  /** ListObjectsV2 over one package's files (a prefix must name the package), by key. */
  async list(principal: Principal, bucket: string, prefix: string, opts: { after?: string; maxKeys: number }): Promise<{ objects: StoredObject[]; truncated: boolean }> {
    this.assertBucket(bucket, prefix);
    const packageId = /^packages\/(package-[a-z2-7]{26})(\/|$)/.exec(prefix)?.[1];
    if (!packageId || !(await this.packages.find(principal.organizationId, packageId))) throw forbidden(prefix);
    const objects = (await this.packages.uploadedObjects(packageId))
      .map((a) => ({ key: keyOf(packageId, a), sizeBytes: Number(a.sizeBytes), etag: etagOf(a.sha256), lastModified: a.uploadedAt! }))
      .filter((o) => o.key.startsWith(prefix) && (!opts.after || o.key > opts.after))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    return { objects: objects.slice(0, opts.maxKeys), truncated: objects.length > opts.maxKeys };
  }

  async createMultipartUpload(principal: Principal, bucket: string, key: string): Promise<{ uploadId: string }> {
    const { packageId, sha256 } = await this.resolve(principal, bucket, key);
    return this.multipart.create({ organizationId: principal.organizationId, packageId, objectKey: key, sha256 });
  }

  async uploadPart(principal: Principal, bucket: string, key: string, uploadId: string, partNumber: number, body: Readable, opts: { signedSha256?: string; sizeBytes?: number }): Promise<{ etag: string }> {
    const upload = await this.upload(principal, bucket, key, uploadId);
    return this.multipart.part(upload, partNumber, body, { ...this.limits(opts.sizeBytes), signedSha256: opts.signedSha256 });
  }

  /** The parts, in the order given (ascending part numbers, as S3 requires), assembled into the file the key names. */
  async completeMultipartUpload(principal: Principal, bucket: string, key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<{ etag: string }> {
    const { packageId, sha256 } = await this.resolve(principal, bucket, key);
    const upload = await this.multipart.find(principal.organizationId, key, uploadId);
    await this.store.put(PACKAGE_FILES, this.multipart.assemble(upload, parts), { maxBytes: this.config.PACKAGE_ASSET_MAX_BYTES, limitName: 'PACKAGE_ASSET_MAX_BYTES', sha256 }).catch(digestRefusal(key, sha256));
    await this.recorded(principal, packageId, sha256, key);
    await this.multipart.drop(uploadId);
    return { etag: etagOf(sha256) };
  }

  async abortMultipartUpload(principal: Principal, bucket: string, key: string, uploadId: string): Promise<void> {
    await this.upload(principal, bucket, key, uploadId);
    await this.multipart.drop(uploadId);
  }

  private async upload(principal: Principal, bucket: string, key: string, uploadId: string) {
    await this.resolve(principal, bucket, key);
    return this.multipart.find(principal.organizationId, key, uploadId);
  }

  /** The package and digest a key names, in a package of the caller's organization. */
  private async resolve(principal: Principal, bucket: string, key: string): Promise<{ packageId: string; sha256: string }> {
    this.assertBucket(bucket, key);
    const m = KEY.exec(key);
    if (!m) throw forbidden(key, 'keys are packages/<packageId>/<prefix>/<sha256>.tar.gz or .json, the SHA-256 of the file');
    if (!(await this.packages.find(principal.organizationId, m[1]))) throw forbidden(key);
    return { packageId: m[1], sha256: m[2] };
  }

  private assertBucket(bucket: string, key: string): void {
    if (bucket !== PACKAGE_BUCKET) throw forbidden(`${bucket}/${key}`, `the bucket of package files is ${PACKAGE_BUCKET} (the packages' StorageLocation)`);
  }

  private limits(sizeBytes?: number) {
    return { maxBytes: this.config.PACKAGE_ASSET_MAX_BYTES, limitName: 'PACKAGE_ASSET_MAX_BYTES', sizeBytes };
  }

  /** The digest the content must have: the key's, which a signed body hash must agree with. */
  private expected(keySha256: string, signedSha256?: string): string {
    if (signedSha256 && signedSha256 !== keySha256) throw new DomainError('DIGEST_MISMATCH', `The key names SHA-256 ${keySha256}, but the body signed has ${signedSha256}.`);
    return keySha256;
  }

  private async recorded(principal: Principal, packageId: string, sha256: string, key: string): Promise<void> {
    const asset = await this.packages.assetByDigest(packageId, sha256);
    const size = (await this.store.stat(PACKAGE_FILES, sha256))!.sizeBytes;
    await this.packages.recordObject(packageId, sha256, size, asset?.objectKey ?? key);
    await this.audit.recordNow(principal, { action: 'package.putObject', targetType: 'Package', targetId: packageId, details: { key, sha256, sizeBytes: size } });
  }
}

const forbidden = (key: string, why = 'it is not a file of a package of your organization') => new DomainError('OBJECT_KEY_FORBIDDEN', `Access Denied: ${key.slice(0, 300)}: ${why}.`);

/** The store's digest refusal, as S3 says it: the content is not what the key (or the signature) says. */
