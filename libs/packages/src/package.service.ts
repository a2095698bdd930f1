import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { CONFIG, type Config } from '@edgefleet/config';
import type { Tx } from '@edgefleet/db';
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
import { PackageFiles, SHA256 } from './package-files.service';
import { PackageRepository, type PackageRow } from './package.repository';

const PACKAGE_ARN = /^arn:aws:panorama:[a-z0-9-]+:\d{12}:package\/(package-[a-z2-7]{26})$/;

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


/**
 * Packages (Panorama's node packages): created by name, given versions by uploading a
 * package manifest (`package.json`) and the assets it names through signed URLs, then
 * registering the version. Files are stored once by SHA-256 under DATA_DIR/packages.
 */
@Injectable()
export class PackageService {
  constructor(
    private readonly packages: PackageRepository,
    private readonly files: PackageFiles,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async create(principal: Principal, input: { name: string; tags?: TagInput[] | null }): Promise<PackageView> {
    assertCatalogueName('name', input.name);
    const tags = mergeTags({}, input.tags ?? []);
    const quota = (await this.organizations.quotas(principal.organizationId)).packages;
    const created = await this.packages.transaction(async (tx) => {
      await this.claimName(tx, principal.organizationId, input.name, quota);
      const pkg = await this.packages.insert(tx, { packageId: newPackageId(), organizationId: principal.organizationId, packageName: input.name, tags });
      await this.audit.record(tx, principal, { action: 'package.create', targetType: 'Package', targetId: pkg.packageId, details: { name: input.name } });
      return pkg;
    });
    return this.get(principal, created.packageId);
  }

  /**
   * In the caller's transaction: one package creation at a time per organization (so the quota
   * holds under concurrency), within the package quota, under a name not yet used.
   */
  private async claimName(tx: Tx, organizationId: string, name: string, quota: number): Promise<void> {
    assertWithinQuota('packages', await this.packages.lockAndCount(tx, organizationId), 1, quota);
    if (await this.packages.nameTaken(tx, organizationId, name)) {
      throw new DomainError('ALREADY_EXISTS', `A package named ${name} exists already in your organization.`, { name });
    }
  }

  /**
   * In the caller's transaction: a package whose one version is registered at once from a
   * manifest made here (a camera's, by createNodeFromTemplateJob), within the package quota.
   */
  async createRegistered(tx: Tx, p: { organizationId: string; packageName: string; tags: Tags; packageVersion: string; manifest: object }, quota: number): Promise<string> {
    await this.claimName(tx, p.organizationId, p.packageName, quota);
    const packageId = newPackageId();
    await this.packages.insert(tx, { packageId, organizationId: p.organizationId, packageName: p.packageName, tags: p.tags });
    const key = { packageId, packageVersion: p.packageVersion, patchVersion: PackageService.digest(JSON.stringify(p.manifest)) };
    await this.packages.registerVersion(tx, key, { descriptor: p.manifest, registeredTime: new Date(), markLatest: true }); // a record's time, not a deadline
    return packageId;
  }

  /** Whether the organization has a package of this name. */
  exists(organizationId: string, packageName: string): Promise<boolean> {
    return this.packages.exists(organizationId, packageName);
  }

  /** How many packages the organization has (its quota counts them). */
  count(organizationId: string): Promise<number> {
    return this.packages.count(organizationId);
  }

  /** Panorama's DescribePackage: by id, or by `packageName/<name>` (as panorama-cli asks before it creates one). */
  async describe(principal: Principal, packageIdOrName: string): Promise<PackageView> {
    if (!packageIdOrName.startsWith('packageName/')) return this.get(principal, packageIdOrName);
    const pkg = await this.packages.findByName(principal.organizationId, packageIdOrName.slice('packageName/'.length));
    if (!pkg) throw notFound('Package', packageIdOrName);
    return this.view(pkg, await this.organizations.accountId(principal.organizationId));
  }

  async get(principal: Principal, packageId: string): Promise<PackageView> {
    const pkg = await this.packages.find(principal.organizationId, packageId);
    if (!pkg) throw notFound('Package', packageId);
    return this.view(pkg, await this.organizations.accountId(principal.organizationId));
  }

  async list(principal: Principal, args: { first: number; after?: string | null }) {
    assertPageSize(args.first);
    const rows = await this.packages.page(principal.organizationId, args.first, args.after ? decodeCursor(args.after, 1, 'after')[0] : null);
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
    return this.packages.transaction(async (tx) => {
      const inUse = await this.packages.applicationsUsing(tx, principal.organizationId, [pkg.packageName, `${accountId}::${pkg.packageName}`]);
      if (inUse.length > 0 && !forceDelete && !pkg.camera) {
        throw new DomainError('PACKAGE_IN_USE', `Package ${pkg.packageName} is used by application instances ${inUse.join(', ')}; remove them first, or delete with forceDelete.`, { applicationInstanceIds: inUse });
      }
      await this.packages.delete(tx, packageId);
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
    const manifest = await this.files.readDocument(input.packageId, input.patchVersion, 'patchVersion', 'the package manifest');
    const problems = await this.checkManifest(input.packageId, pkg.packageName, input.packageVersion, manifest);
    if (problems.length > 0) {
      throw new DomainError('INVALID_PACKAGE_MANIFEST', `The package manifest has ${problems.length} problem${problems.length > 1 ? 's' : ''}: ${problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}`, { problems });
    }
    const quota = (await this.organizations.quotas(principal.organizationId)).versionsPerPackage;
    const key = { packageId: input.packageId, packageVersion: input.packageVersion, patchVersion: input.patchVersion };
    await this.packages.transaction(async (tx) => {
      const versions = await this.packages.lockVersions(tx, key);
      if (!versions.known && versions.count >= quota) {
        throw new DomainError('QUOTA_EXCEEDED', `You've reached the maximum number of versions for package ${pkg.packageName}. Deregister unused package versions and try again.`, { limit: quota });
      }
      const markLatest = input.markLatest ?? !pkg.versions.some((v) => v.packageVersion === input.packageVersion && v.isLatestPatch);
      await this.packages.registerVersion(tx, key, { descriptor: manifest as object, registeredTime: new Date(), markLatest }); // a record's time, not a deadline
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
    await this.packages.transaction(async (tx) => {
      const inUse = await this.packages.applicationsUsing(tx, principal.organizationId, [v.packageName, `${accountId}::${v.packageName}`], input);
      if (inUse.length > 0) throw new DomainError('PACKAGE_IN_USE', `${v.packageName} ${input.packageVersion} is used by application instances ${inUse.join(', ')}.`, { applicationInstanceIds: inUse });
      await this.packages.deleteVersion(tx, input);
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
    const uploaded = await this.files.uploaded(packageId);
    for (const [i, asset] of m.assets.entries()) {
      if (assetNames.has(asset.name)) problems.push({ path: `$.nodePackage.assets[${i}].name`, message: `asset ${asset.name} is defined twice` });
      assetNames.add(asset.name);
      for (const [j, impl] of asset.implementations.entries()) {
        const at = `$.nodePackage.assets[${i}].implementations[${j}]`;
        for (const key of ['assetUri', 'descriptorUri'] as const) {
          if (!uploaded.has(impl[key].split('.')[0])) problems.push({ path: `${at}.${key}`, message: `${impl[key]} is not uploaded to this package yet (createPackageAssetUploadUrl)` });
        }
        if (!uploaded.has(impl.descriptorUri.split('.')[0])) continue;
        const descriptor = await this.files.readDocument(packageId, impl.descriptorUri.split('.')[0], `${at}.descriptorUri`, 'the descriptor').catch((err: DomainError) => {
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

  /** ListTagsForResource for a package ARN. */
  async tags(principal: Principal, resourceArn: string): Promise<Tags> {
    const packageId = PACKAGE_ARN.exec(resourceArn)?.[1];
    if (!packageId) throw validationFailed('resourceArn', `"${resourceArn.slice(0, 200)}" is not the ARN of a package.`);
    const tags = await this.packages.tags(principal.organizationId, packageId);
    if (!tags) throw notFound('Resource', resourceArn);
    return tags;
  }

  private async changeTags(principal: Principal, resourceArn: string, action: string, keys: string[], change: (tags: Tags) => Tags): Promise<Tags> {
    const packageId = PACKAGE_ARN.exec(resourceArn)?.[1];
    if (!packageId) throw validationFailed('resourceArn', `"${resourceArn.slice(0, 200)}" is not the ARN of a package.`);
    return this.packages.transaction(async (tx) => {
      const current = await this.packages.lockTags(tx, principal.organizationId, packageId);
      if (!current) throw notFound('Resource', resourceArn);
      const tags = change(current);
      await this.packages.setTags(tx, packageId, tags);
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
