import { Injectable } from '@nestjs/common';
import { Prisma, Repository, type Tx } from '@edgefleet/db';
import type { Tags } from '@edgefleet/domain';

export type PackageRow = Prisma.PackageGetPayload<{ include: { versions: true } }>;
export type PackageVersionRow = Prisma.PackageVersionGetPayload<{ include: { package: true } }>;

export interface VersionKey {
  packageId: string;
  packageVersion: string;
  patchVersion: string;
}

const WITH_VERSIONS = { versions: { orderBy: { createdAt: 'asc' } } } as const;
const versionKey = (k: VersionKey) => ({ packageId_packageVersion_patchVersion: k });

/** The SQL of packages, their versions and their files. */
@Injectable()
export class PackageRepository extends Repository {
  /** One package creation at a time per organization, so the quota holds under concurrency: the packages it has now. */
  async lockAndCount(tx: Tx, organizationId: string): Promise<number> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'packages:' + organizationId}))`;
    return tx.package.count({ where: { organizationId } });
  }

  async nameTaken(tx: Tx, organizationId: string, packageName: string): Promise<boolean> {
    return !!(await tx.package.findFirst({ where: { organizationId, packageName }, select: { packageId: true } }));
  }

  async exists(organizationId: string, packageName: string): Promise<boolean> {
    return !!(await this.prisma.package.findFirst({ where: { organizationId, packageName }, select: { packageId: true } }));
  }

  count(organizationId: string): Promise<number> {
    return this.prisma.package.count({ where: { organizationId } });
  }

  insert(tx: Tx, p: { packageId: string; organizationId: string; packageName: string; tags: Tags }) {
    return tx.package.create({ data: p });
  }

  find(organizationId: string, packageId: string): Promise<PackageRow | null> {
    return this.prisma.package.findFirst({ where: { packageId, organizationId }, include: WITH_VERSIONS });
  }

  findByName(organizationId: string, packageName: string): Promise<PackageRow | null> {
    return this.prisma.package.findFirst({ where: { packageName, organizationId }, include: WITH_VERSIONS });
  }

  /** By name, after the name `after`. */
  page(organizationId: string, first: number, after: string | null): Promise<PackageRow[]> {
    return this.prisma.package.findMany({
      where: { organizationId, ...(after !== null ? { packageName: { gt: after } } : {}) },
      orderBy: { packageName: 'asc' },
      take: first + 1,
      include: WITH_VERSIONS,
    });
  }

  async delete(tx: Tx, packageId: string): Promise<void> {
    await tx.package.delete({ where: { packageId } });
  }

  async tags(organizationId: string, packageId: string): Promise<Tags | undefined> {
    return (await this.prisma.package.findFirst({ where: { packageId, organizationId }, select: { tags: true } }))?.tags as Tags | undefined;
  }

  /** The package's tags, its row locked for the rest of the transaction (concurrent changes apply one after the other). */
  async lockTags(tx: Tx, organizationId: string, packageId: string): Promise<Tags | undefined> {
    const [row] = await tx.$queryRaw<{ tags: Tags }[]>`SELECT tags FROM "Package" WHERE "packageId" = ${packageId} AND "organizationId" = ${organizationId}::uuid FOR UPDATE`;
    return row?.tags;
  }

  async setTags(tx: Tx, packageId: string, tags: Tags): Promise<void> {
    await tx.package.update({ where: { packageId }, data: { tags } });
  }

  /** The file's record, made if new; a file not uploaded yet takes the size now declared. */
  async declareAsset(tx: Tx, packageId: string, sha256: string, sizeBytes: number) {
    const asset = await tx.packageAsset.upsert({ where: { packageId_sha256: { packageId, sha256 } }, create: { packageId, sha256, sizeBytes: BigInt(sizeBytes) }, update: {} });
    if (asset.uploadedAt || asset.sizeBytes === BigInt(sizeBytes)) return asset;
    return tx.packageAsset.update({ where: { id: asset.id }, data: { sizeBytes: BigInt(sizeBytes) } });
  }

  asset(assetId: string) {
    return this.prisma.packageAsset.findUnique({ where: { id: assetId } });
  }

  assetByDigest(packageId: string, sha256: string) {
    return this.prisma.packageAsset.findUnique({ where: { packageId_sha256: { packageId, sha256 } } });
  }

  async markUploaded(assetId: string, at: Date): Promise<void> {
    await this.prisma.packageAsset.updateMany({ where: { id: assetId, uploadedAt: null }, data: { uploadedAt: at } });
  }

  assets(packageId: string) {
    return this.prisma.packageAsset.findMany({ where: { packageId }, orderBy: { createdAt: 'asc' } });
  }

  async uploadedDigests(packageId: string): Promise<Set<string>> {
    const rows = await this.prisma.packageAsset.findMany({ where: { packageId, uploadedAt: { not: null } }, select: { sha256: true } });
    return new Set(rows.map((a) => a.sha256));
  }

  /** Versions of a package are registered one at a time: the package row locked, whether this version exists, and how many there are. */
  async lockVersions(tx: Tx, key: VersionKey): Promise<{ known: boolean; count: number }> {
    await tx.$executeRaw`SELECT 1 FROM "Package" WHERE "packageId" = ${key.packageId} FOR UPDATE`;
    const known = !!(await tx.packageVersion.findUnique({ where: versionKey(key), select: { packageId: true } }));
    return { known, count: await tx.packageVersion.count({ where: { packageId: key.packageId } }) };
  }

  /** Records a file put through the S3 endpoint: uploaded now, under its key. */
  async recordObject(packageId: string, sha256: string, sizeBytes: number, objectKey: string): Promise<void> {
    const data = { sizeBytes: BigInt(sizeBytes), uploadedAt: new Date(), objectKey }; // a record's time, not a deadline
    await this.prisma.packageAsset.upsert({ where: { packageId_sha256: { packageId, sha256 } }, create: { packageId, sha256, ...data }, update: data });
  }

  /** The package's uploaded files, by digest. */
  uploadedObjects(packageId: string) {
    return this.prisma.packageAsset.findMany({ where: { packageId, uploadedAt: { not: null } }, orderBy: { sha256: 'asc' } });
  }

  insertUpload(u: { uploadId: string; organizationId: string; packageId: string | null; objectKey: string; sha256: string | null }) {
    return this.prisma.multipartUpload.create({ data: u });
  }

  upload(organizationId: string, uploadId: string) {
    return this.prisma.multipartUpload.findFirst({ where: { uploadId, organizationId }, include: { parts: { orderBy: { partNumber: 'asc' } } } });
  }

  async putPart(uploadId: string, partNumber: number, sha256: string, sizeBytes: number): Promise<void> {
    const data = { sha256, sizeBytes: BigInt(sizeBytes) };
    await this.prisma.multipartUploadPart.upsert({ where: { uploadId_partNumber: { uploadId, partNumber } }, create: { uploadId, partNumber, ...data }, update: data });
  }

  /** Drops an upload's rows; the part files no other upload shares (by digest), for the caller to remove. */
  async dropUpload(uploadId: string): Promise<string[]> {
    return this.transaction(async (tx) => {
      const parts = await tx.multipartUploadPart.findMany({ where: { uploadId }, select: { sha256: true } });
      await tx.multipartUpload.deleteMany({ where: { uploadId } });
      const shared = await tx.multipartUploadPart.findMany({ where: { sha256: { in: parts.map((p) => p.sha256) } }, select: { sha256: true } });
      const keep = new Set(shared.map((p) => p.sha256));
      return [...new Set(parts.map((p) => p.sha256))].filter((sha) => !keep.has(sha));
    });
  }

  /** Registers the version (or, registered already, marks it latest when asked); marking it latest unmarks the version's other patches. */
  async registerVersion(tx: Tx, key: VersionKey, v: { descriptor: object; registeredTime: Date; markLatest: boolean }): Promise<void> {
    if (v.markLatest) await tx.packageVersion.updateMany({ where: { packageId: key.packageId, packageVersion: key.packageVersion }, data: { isLatestPatch: false } });
    await tx.packageVersion.upsert({
      where: versionKey(key),
      create: { ...key, descriptor: v.descriptor, status: 'REGISTER_COMPLETED', registeredTime: v.registeredTime, isLatestPatch: v.markLatest },
      update: v.markLatest ? { isLatestPatch: true } : {},
    });
  }

  async deleteVersion(tx: Tx, key: VersionKey): Promise<void> {
    await tx.packageVersion.deleteMany({ where: key });
  }

  /** Registered versions of the organization's packages (of those named, when given), oldest registration first. */
  registeredVersions(organizationId: string, packageNames?: string[]): Promise<PackageVersionRow[]> {
    return this.prisma.packageVersion.findMany({
      where: { status: 'REGISTER_COMPLETED', package: { organizationId, ...(packageNames ? { packageName: { in: packageNames } } : {}) } },
      include: { package: true },
      orderBy: { registeredTime: 'asc' },
    });
  }

  /** One registered version with its package's files, by the package's name. */
  versionWithAssets(organizationId: string, packageName: string, packageVersion: string, patchVersion: string) {
    return this.prisma.packageVersion.findFirst({
      where: { package: { organizationId, packageName }, packageVersion, patchVersion },
      include: { package: { include: { assets: true } } },
    });
  }

  importJobByToken(organizationId: string, clientToken: string) {
    return this.prisma.packageImportJob.findUnique({ where: { organizationId_clientToken: { organizationId, clientToken } } });
  }

  insertImportJob(tx: Tx, job: { jobId: string; organizationId: string; clientToken: string; jobType: string; inputConfig: object; outputConfig: object; jobTags: object[]; statusMessage: string }) {
    return tx.packageImportJob.create({ data: { ...job, status: 'IN_PROGRESS' } });
  }

  importJob(organizationId: string, jobId: string) {
    return this.prisma.packageImportJob.findFirst({ where: { jobId, organizationId } });
  }

  /** Newest first, after the job id `after`. */
  importJobs(organizationId: string, first: number, after: string | null) {
    return this.prisma.packageImportJob.findMany({ where: { organizationId, ...(after ? { jobId: { lt: after } } : {}) }, orderBy: { jobId: 'desc' }, take: first + 1 });
  }

  /**
   * Application instances, not removed, that run a package (at a version and patch, when given):
   * read here, not through the applications feature, which depends on this one.
   */
  async applicationsUsing(tx: Tx, organizationId: string, names: string[], version?: { packageVersion: string; patchVersion: string }): Promise<string[]> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT DISTINCT a."applicationInstanceId" AS id FROM "NodeInstance" n
      JOIN "ApplicationInstance" a ON a."applicationInstanceId" = n."applicationInstanceId"
      WHERE a."organizationId" = ${organizationId}::uuid AND a.status NOT IN ('REMOVAL_SUCCEEDED', 'DEPLOYMENT_FAILED')
        AND n."packageName" IN (${Prisma.join(names)})
        ${version ? Prisma.sql`AND n."packageVersion" = ${version.packageVersion} AND n."packagePatchVersion" = ${version.patchVersion}` : Prisma.empty}
      ORDER BY 1 LIMIT 20`;
    return rows.map((r) => r.id);
  }
}
