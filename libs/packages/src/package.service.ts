import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ArtifactStore, type ByteRange, UrlSigner } from '@edgefleet/artifacts';
import { CONFIG, type Config } from '@edgefleet/config';
import { Prisma, PrismaService, type Tx } from '@edgefleet/db';
import {
  type DocumentProblem,
  DomainError,
  type TagInput,
  type Tags,
  assertCatalogueName,
  assertPackageVersion,
  assertPageSize,
  assertTagInputs,
  assertWithinQuota,
  decodeCursor,
  mergeTags,
  mlModelDescriptorSchema,
  newPackageId,
  notFound,
  packageArn,
  packageManifestSchema,
  pageOf,
  parseDocument,
  removeTags,
  runtimeDescriptorSchema,
  validationFailed,
} from '@edgefleet/domain';
import { AuditService, OrganizationService, type Principal } from '@edgefleet/organizations';

/** The artifact store's folder of package files: DATA_DIR/packages. */
export const PACKAGE_FILES = 'packages';
/** Package manifests and descriptors are read whole into memory: they are small JSON files. */
const MAX_DOCUMENT_BYTES = 1024 * 1024;
const SHA256 = /^[a-f0-9]{64}$/;
const PACKAGE_ARN = /^arn:aws:panorama:[a-z0-9-]+:\d{12}:package\/(package-[a-z2-7]{26})$/;

export const assetUploadPath = (assetId: string) => `/packages/assets/upload/${assetId}`;
export const assetDownloadPath = (sha256: string) => `/packages/assets/download/${sha256}`;

export interface PackageVersionView {
  packageId: string;
  packageName: string;
  packageVersion: string;
  patchVersion: string;
  isLatestPatch: boolean;
  status: string;
  statusDescription: string | null;
  registeredTime: Date | null;
  manifest: unknown;
}

export interface PackageView {
  packageId: string;
  packageName: string;
  arn: string;
  tags: Tags;
  createdTime: Date;
  /** A camera stream's package, made by createNodeFromTemplateJob. */
  camera: boolean;
  versions: PackageVersionView[];
}

export interface PackageAssetView {
  sha256: string;
  sizeBytes: number;
  uploadedAt: Date | null;
}

type PackageRow = Prisma.PackageGetPayload<{ include: { versions: true } }>;

/**
 * Packages (Panorama's node packages): created by name, given versions by uploading a
 * package manifest (`package.json`) and the assets it names through signed URLs, then
 * registering the version. Files are stored once by SHA-256 under DATA_DIR/packages.
 */
@Injectable()
export class PackageService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationService,
    private readonly store: ArtifactStore,
    readonly signer: UrlSigner,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async create(principal: Principal, input: { name: string; tags?: TagInput[] | null }): Promise<PackageView> {
    assertCatalogueName('name', input.name);
    const tags = mergeTags({}, input.tags ?? []);
    const quota = (await this.organizations.quotas(principal.organizationId)).packages;
    const created = await this.prisma.$transaction(async (tx) => {
      await this.claimName(tx, principal.organizationId, input.name, quota);
      const pkg = await tx.package.create({ data: { packageId: newPackageId(), organizationId: principal.organizationId, packageName: input.name, tags } });
      await this.audit.record(tx, principal, { action: 'package.create', targetType: 'Package', targetId: pkg.packageId, details: { name: input.name } });
      return pkg;
    });
    return this.get(principal, created.packageId);
  }

  /**
   * In the caller's transaction: one package creation at a time per organization (so the quota
   * holds under concurrency), within the package quota, under a name not yet used.
   */
  async claimName(tx: Tx, organizationId: string, name: string, quota: number): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'packages:' + organizationId}))`;
    assertWithinQuota('packages', await tx.package.count({ where: { organizationId } }), 1, quota);
    if (await tx.package.findFirst({ where: { organizationId, packageName: name }, select: { packageId: true } })) {
      throw new DomainError('ALREADY_EXISTS', `A package named ${name} exists already in your organization.`, { name });
    }
  }

  async get(principal: Principal, packageId: string): Promise<PackageView> {
    const pkg = await this.prisma.package.findFirst({ where: { packageId, organizationId: principal.organizationId }, include: { versions: { orderBy: { createdAt: 'asc' } } } });
    if (!pkg) throw notFound('Package', packageId);
    return this.view(pkg, await this.organizations.accountId(principal.organizationId));
  }

  async list(principal: Principal, args: { first: number; after?: string | null }) {
    assertPageSize(args.first);
    const where: Prisma.PackageWhereInput = { organizationId: principal.organizationId };
    if (args.after) where.packageName = { gt: decodeCursor(args.after, 1, 'after')[0] };
    const rows = await this.prisma.package.findMany({ where, orderBy: { packageName: 'asc' }, take: args.first + 1, include: { versions: { orderBy: { createdAt: 'asc' } } } });
    const accountId = await this.organizations.accountId(principal.organizationId);
    return pageOf(
      rows.map((r) => this.view(r, accountId)),
      args.first,
      (p) => [p.packageName],
    );
  }

  /**
   * Deletes a package, its versions and its files' records. Refused while applications use
   * one of its versions, unless forced; a camera's package is removed from the catalogue
   * while applications already running with it keep it (Panorama's rule).
   */
  async delete(principal: Principal, packageId: string, forceDelete: boolean): Promise<{ packageId: string; message: string }> {
    const pkg = await this.get(principal, packageId);
    const accountId = await this.organizations.accountId(principal.organizationId);
    return this.prisma.$transaction(async (tx) => {
      const inUse = await this.applicationsUsing(tx, principal.organizationId, [pkg.packageName, `${accountId}::${pkg.packageName}`]);
      if (inUse.length > 0 && !forceDelete && !pkg.camera) {
        throw new DomainError('PACKAGE_IN_USE', `Package ${pkg.packageName} is used by application instances ${inUse.join(', ')}; remove them first, or delete with forceDelete.`, { applicationInstanceIds: inUse });
      }
      await tx.package.delete({ where: { packageId } });
      await this.audit.record(tx, principal, { action: 'package.delete', targetType: 'Package', targetId: packageId, details: { name: pkg.packageName, forceDelete, usedBy: inUse } });
      const message = pkg.camera
        ? `Camera stream ${pkg.packageName} is removed from the catalogue. Applications already running with it keep running, and its credentials stay in the secret store.`
        : inUse.length > 0
          ? `Package ${pkg.packageName} is deleted; application instances ${inUse.join(', ')} keep what they already run.`
          : `Package ${pkg.packageName} is deleted.`;
      return { packageId, message };
    });
  }

  async tagResource(principal: Principal, resourceArn: string, tags: TagInput[]): Promise<Tags> {
    assertTagInputs('tags', tags);
    return this.changeTags(principal, resourceArn, 'package.tag', tags.map((t) => t.key), (t) => mergeTags(t, tags));
  }

  async untagResource(principal: Principal, resourceArn: string, tagKeys: string[]): Promise<Tags> {
    return this.changeTags(principal, resourceArn, 'package.untag', tagKeys, (t) => removeTags(t, tagKeys));
  }

  arnOf(accountId: string, packageId: string): string {
    return packageArn(this.config.REGION, accountId, packageId);
  }

  isPackageArn(resourceArn: string): boolean {
    return resourceArn.includes(':package/');
  }

  /** A signed URL taking one PUT of the file with this digest and size (a container, model, descriptor or the package manifest). */
  async createAssetUploadUrl(principal: Principal, packageId: string, sha256: string, sizeBytes: number): Promise<{ url: string | null; expiresAt: Date | null; alreadyUploaded: boolean }> {
    if (!SHA256.test(sha256)) throw validationFailed('sha256', 'must be 64 lowercase hex characters (the SHA-256 of the file).');
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 1 || sizeBytes > this.config.PACKAGE_ASSET_MAX_BYTES) {
      throw validationFailed('sizeBytes', `must be a whole number of bytes from 1 to PACKAGE_ASSET_MAX_BYTES (${this.config.PACKAGE_ASSET_MAX_BYTES}).`);
    }
    await this.get(principal, packageId);
    return this.prisma.$transaction(async (tx) => {
      const asset = await tx.packageAsset.upsert({
        where: { packageId_sha256: { packageId, sha256 } },
        create: { packageId, sha256, sizeBytes: BigInt(sizeBytes) },
        // A new URL may correct the declared size of a file not uploaded yet.
        update: {},
      });
      if (asset.uploadedAt) return { url: null, expiresAt: null, alreadyUploaded: true };
      if (asset.sizeBytes !== BigInt(sizeBytes)) await tx.packageAsset.update({ where: { id: asset.id }, data: { sizeBytes: BigInt(sizeBytes) } });
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
  async receiveAssetUpload(assetId: string, body: Readable): Promise<PackageAssetView> {
    const asset = await this.prisma.packageAsset.findUnique({ where: { id: assetId } });
    if (!asset) throw notFound('Resource', assetId);
    if (asset.uploadedAt) throw new DomainError('ALREADY_UPLOADED', `The file ${asset.sha256} is already uploaded.`);
    await this.store.put(PACKAGE_FILES, body, { maxBytes: this.config.PACKAGE_ASSET_MAX_BYTES, limitName: 'PACKAGE_ASSET_MAX_BYTES', sha256: asset.sha256, sizeBytes: Number(asset.sizeBytes) });
    // Content-addressed: a concurrent upload of the same digest wrote the same bytes, so the file is right either way.
    const uploadedAt = new Date();
    await this.prisma.packageAsset.updateMany({ where: { id: assetId, uploadedAt: null }, data: { uploadedAt } });
    return { sha256: asset.sha256, sizeBytes: Number(asset.sizeBytes), uploadedAt };
  }

  async assets(principal: Principal, packageId: string): Promise<PackageAssetView[]> {
    await this.get(principal, packageId);
    const rows = await this.prisma.packageAsset.findMany({ where: { packageId }, orderBy: { createdAt: 'asc' } });
    return rows.map((a) => ({ sha256: a.sha256, sizeBytes: Number(a.sizeBytes), uploadedAt: a.uploadedAt }));
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

  /**
   * Registers a package version from its uploaded manifest (the patch version is the
   * manifest's SHA-256): the manifest and every descriptor are checked against their schemas
   * and every file they name must be uploaded. Registering the same patch again changes nothing.
   */
  async registerVersion(principal: Principal, input: { packageId: string; packageVersion: string; patchVersion: string; markLatest?: boolean | null }): Promise<PackageVersionView> {
    assertPackageVersion('packageVersion', input.packageVersion);
    if (!SHA256.test(input.patchVersion)) throw validationFailed('patchVersion', 'must be the lowercase hex SHA-256 of the package manifest (package.json).');
    const pkg = await this.get(principal, input.packageId);
    if (pkg.camera) throw new DomainError('INVALID_ARGUMENT', `Package ${pkg.packageName} is a camera stream; its version is made by createNodeFromTemplateJob.`);
    const existing = pkg.versions.find((v) => v.packageVersion === input.packageVersion && v.patchVersion === input.patchVersion);
    if (existing && !input.markLatest) return existing;
    const manifest = await this.readDocument(input.packageId, input.patchVersion, 'patchVersion', 'the package manifest');
    const problems = await this.checkManifest(input.packageId, pkg.packageName, input.packageVersion, manifest);
    if (problems.length > 0) {
      throw new DomainError('INVALID_PACKAGE_MANIFEST', `The package manifest has ${problems.length} problem${problems.length > 1 ? 's' : ''}: ${problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}`, { problems });
    }
    const quota = (await this.organizations.quotas(principal.organizationId)).versionsPerPackage;
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM "Package" WHERE "packageId" = ${input.packageId} FOR UPDATE`;
      const known = await tx.packageVersion.findUnique({ where: { packageId_packageVersion_patchVersion: { packageId: input.packageId, packageVersion: input.packageVersion, patchVersion: input.patchVersion } } });
      if (!known && (await tx.packageVersion.count({ where: { packageId: input.packageId } })) >= quota) {
        throw new DomainError('QUOTA_EXCEEDED', `You've reached the maximum number of versions for package ${pkg.packageName}. Deregister unused package versions and try again.`, { limit: quota });
      }
      const markLatest = input.markLatest ?? !pkg.versions.some((v) => v.packageVersion === input.packageVersion && v.isLatestPatch);
      if (markLatest) await tx.packageVersion.updateMany({ where: { packageId: input.packageId, packageVersion: input.packageVersion }, data: { isLatestPatch: false } });
      await tx.packageVersion.upsert({
        where: { packageId_packageVersion_patchVersion: { packageId: input.packageId, packageVersion: input.packageVersion, patchVersion: input.patchVersion } },
        create: { packageId: input.packageId, packageVersion: input.packageVersion, patchVersion: input.patchVersion, descriptor: manifest as object, status: 'REGISTER_COMPLETED', registeredTime: new Date(), isLatestPatch: markLatest },
        update: markLatest ? { isLatestPatch: true } : {},
      });
      await this.audit.record(tx, principal, {
        action: 'package.registerVersion',
        targetType: 'Package',
        targetId: input.packageId,
        details: { packageVersion: input.packageVersion, patchVersion: input.patchVersion, markLatest },
      });
    });
    return this.version(principal, input.packageId, input.packageVersion, input.patchVersion);
  }

  async version(principal: Principal, packageId: string, packageVersion: string, patchVersion?: string | null): Promise<PackageVersionView> {
    const pkg = await this.get(principal, packageId);
    const found = pkg.versions.filter((v) => v.packageVersion === packageVersion && (patchVersion ? v.patchVersion === patchVersion : v.isLatestPatch));
    if (found.length === 0) throw notFound('Package version', `${pkg.packageName} ${packageVersion}${patchVersion ? ` (${patchVersion})` : ''}`);
    return found[0];
  }

  /** Removes a version from the catalogue; refused while application instances use it. Its files stay (other versions may share them). */
  async deregisterVersion(principal: Principal, input: { packageId: string; packageVersion: string; patchVersion: string }): Promise<PackageView> {
    const v = await this.version(principal, input.packageId, input.packageVersion, input.patchVersion);
    const accountId = await this.organizations.accountId(principal.organizationId);
    await this.prisma.$transaction(async (tx) => {
      const inUse = await this.applicationsUsing(tx, principal.organizationId, [v.packageName, `${accountId}::${v.packageName}`], input.packageVersion, input.patchVersion);
      if (inUse.length > 0) throw new DomainError('PACKAGE_IN_USE', `${v.packageName} ${input.packageVersion} is used by application instances ${inUse.join(', ')}.`, { applicationInstanceIds: inUse });
      await tx.packageVersion.deleteMany({ where: { packageId: input.packageId, packageVersion: input.packageVersion, patchVersion: input.patchVersion } });
      await this.audit.record(tx, principal, { action: 'package.deregisterVersion', targetType: 'Package', targetId: input.packageId, details: { packageVersion: input.packageVersion, patchVersion: input.patchVersion } });
    });
    return this.get(principal, input.packageId);
  }

  /** The sha256 of a JSON document as stored (what a patch version and a descriptorUri name). */
  static digest(json: string): string {
    return createHash('sha256').update(json).digest('hex');
  }

  private async checkManifest(packageId: string, packageName: string, packageVersion: string, doc: unknown): Promise<DocumentProblem[]> {
    const parsed = parseDocument(packageManifestSchema, doc);
    if (!parsed.value) return parsed.problems;
    const m = parsed.value.nodePackage;
    const problems: DocumentProblem[] = [];
    if (m.name !== packageName) problems.push({ path: '$.nodePackage.name', message: `is "${m.name}", but the package is ${packageName}` });
    if (m.version !== packageVersion) problems.push({ path: '$.nodePackage.version', message: `is "${m.version}", but the version being registered is ${packageVersion}` });
    const assetNames = new Set<string>();
    const uploaded = new Set(
      (await this.prisma.packageAsset.findMany({ where: { packageId, uploadedAt: { not: null } }, select: { sha256: true } })).map((a) => a.sha256),
    );
    for (const [i, asset] of m.assets.entries()) {
      if (assetNames.has(asset.name)) problems.push({ path: `$.nodePackage.assets[${i}].name`, message: `asset ${asset.name} is defined twice` });
      assetNames.add(asset.name);
      for (const [j, impl] of asset.implementations.entries()) {
        const at = `$.nodePackage.assets[${i}].implementations[${j}]`;
        for (const key of ['assetUri', 'descriptorUri'] as const) {
          if (!uploaded.has(impl[key].split('.')[0])) problems.push({ path: `${at}.${key}`, message: `${impl[key]} is not uploaded to this package yet (createPackageAssetUploadUrl)` });
        }
        if (!uploaded.has(impl.descriptorUri.split('.')[0])) continue;
        const descriptor = await this.readDocument(packageId, impl.descriptorUri.split('.')[0], `${at}.descriptorUri`, 'the descriptor').catch((err: DomainError) => {
          problems.push({ path: `${at}.descriptorUri`, message: err.message });
          return undefined;
        });
        if (descriptor === undefined) continue;
        const schema = impl.type === 'container' ? runtimeDescriptorSchema : mlModelDescriptorSchema;
        for (const p of parseDocument(schema as never, descriptor).problems) problems.push({ path: `${at}.descriptorUri→${p.path}`, message: `${impl.type === 'container' ? 'runtimeDescriptor' : 'mlModelDescriptor'}: ${p.message}` });
      }
    }
    for (const [i, iface] of m.interfaces.entries()) {
      if (iface.asset && !assetNames.has(iface.asset)) problems.push({ path: `$.nodePackage.interfaces[${i}].asset`, message: `names asset ${iface.asset}, which the package does not define` });
      if (m.interfaces.findIndex((x) => x.name === iface.name) !== i) problems.push({ path: `$.nodePackage.interfaces[${i}].name`, message: `interface ${iface.name} is defined twice` });
    }
    return problems;
  }

  /** A small uploaded JSON document of the package (its manifest or a descriptor), parsed. */
  private async readDocument(packageId: string, sha256: string, field: string, what: string): Promise<unknown> {
    const asset = await this.prisma.packageAsset.findUnique({ where: { packageId_sha256: { packageId, sha256 } } });
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

  /** Application instances, not removed, that run a package (at a version and patch, when given). */
  private async applicationsUsing(tx: Tx, organizationId: string, names: string[], packageVersion?: string, patchVersion?: string): Promise<string[]> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT DISTINCT a."applicationInstanceId" AS id FROM "NodeInstance" n
      JOIN "ApplicationInstance" a ON a."applicationInstanceId" = n."applicationInstanceId"
      WHERE a."organizationId" = ${organizationId}::uuid AND a.status NOT IN ('REMOVAL_SUCCEEDED', 'DEPLOYMENT_FAILED')
        AND n."packageName" IN (${Prisma.join(names)})
        ${packageVersion ? Prisma.sql`AND n."packageVersion" = ${packageVersion} AND n."packagePatchVersion" = ${patchVersion}` : Prisma.empty}
      ORDER BY 1 LIMIT 20`;
    return rows.map((r) => r.id);
  }

  /** ListTagsForResource for a package ARN. */
  async tags(principal: Principal, resourceArn: string): Promise<Tags> {
    const packageId = PACKAGE_ARN.exec(resourceArn)?.[1];
    if (!packageId) throw validationFailed('resourceArn', `"${resourceArn.slice(0, 200)}" is not the ARN of a package.`);
    const row = await this.prisma.package.findFirst({ where: { packageId, organizationId: principal.organizationId }, select: { tags: true } });
    if (!row) throw notFound('Resource', resourceArn);
    return row.tags as Tags;
  }

  private async changeTags(principal: Principal, resourceArn: string, action: string, keys: string[], change: (tags: Tags) => Tags): Promise<Tags> {
    const packageId = PACKAGE_ARN.exec(resourceArn)?.[1];
    if (!packageId) throw validationFailed('resourceArn', `"${resourceArn.slice(0, 200)}" is not the ARN of a package.`);
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ tags: Tags }[]>`SELECT tags FROM "Package" WHERE "packageId" = ${packageId} AND "organizationId" = ${principal.organizationId}::uuid FOR UPDATE`;
      if (!row) throw notFound('Resource', resourceArn);
      const tags = change(row.tags);
      await tx.package.update({ where: { packageId }, data: { tags } });
      await this.audit.record(tx, principal, { action, targetType: 'Package', targetId: packageId, details: { keys } });
      return tags;
    });
  }

  private view(p: PackageRow, accountId: string): PackageView {
    const camera = p.versions.some((v) => (v.descriptor as { mediaSource?: unknown }).mediaSource !== undefined);
    return {
      packageId: p.packageId,
      packageName: p.packageName,
      arn: this.arnOf(accountId, p.packageId),
      tags: p.tags as Tags,
      createdTime: p.createdAt,
      camera,
      versions: p.versions.map((v) => ({
        packageId: p.packageId,
        packageName: p.packageName,
        packageVersion: v.packageVersion,
        patchVersion: v.patchVersion,
        isLatestPatch: v.isLatestPatch,
        status: v.status,
        statusDescription: v.statusDescription,
        registeredTime: v.registeredTime,
        manifest: v.descriptor,
      })),
    };
  }

}
