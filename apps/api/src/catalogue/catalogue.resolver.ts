import { Args, Float, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Principal } from '@edgefleet/organizations';
import { PackageCatalogue, PackageFiles, PackageService, type PackageView } from '@edgefleet/packages';
import { CameraStreamService, type NodeFromTemplateJobView } from '@edgefleet/streams';
import { ManifestPayloadInput } from '../applications/applications.types';
import { Caller } from '../graphql/caller.decorator';
import { TagInput, toTags } from '../graphql/common.types';
import {
  CameraCredentialsInput,
  CreateNodeFromTemplateJobInput,
  DeletePackageOutput,
  ManifestValidation,
  NodeConnection,
  NodeFilterInput,
  NodeFromTemplateJob,
  NodeFromTemplateJobConnection,
  Package,
  PackageAsset,
  PackageAssetUploadUrl,
  PackageConnection,
  PackageVersion,
  PackageVersionInput,
  RegisterPackageVersionInput,
} from './catalogue.types';

const toJob = (j: NodeFromTemplateJobView): NodeFromTemplateJob => ({ ...j, jobTags: toTags(j.jobTags) });
const toPackage = (p: PackageView): Package => ({ ...p, tags: toTags(p.tags) });

/** Camera streams, packages and application manifests: what a deployment is made of. */
@Resolver()
export class CatalogueResolver {
  constructor(
    private readonly cameras: CameraStreamService,
    private readonly packages: PackageService,
    private readonly files: PackageFiles,
    private readonly catalogue: PackageCatalogue,
  ) {}

  @Mutation(() => NodeFromTemplateJob, { description: 'Panorama CreateNodeFromTemplateJob: registers an RTSP camera stream; a worker makes its package (status PENDING, then SUCCEEDED or FAILED).' })
  async createNodeFromTemplateJob(@Caller() caller: Principal, @Args('input') input: CreateNodeFromTemplateJobInput): Promise<NodeFromTemplateJob> {
    return toJob(await this.cameras.createNodeFromTemplateJob(caller, input));
  }

  @Query(() => NodeFromTemplateJob, { description: 'Panorama DescribeNodeFromTemplateJob.' })
  async nodeFromTemplateJob(@Caller() caller: Principal, @Args('jobId') jobId: string): Promise<NodeFromTemplateJob> {
    return toJob(await this.cameras.get(caller, jobId));
  }

  @Query(() => NodeFromTemplateJobConnection, { description: 'Panorama ListNodeFromTemplateJobs: newest first.' })
  async nodeFromTemplateJobs(
    @Caller() caller: Principal,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<NodeFromTemplateJobConnection> {
    const page = await this.cameras.list(caller, { first, after });
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toJob(e.node) })) };
  }

  @Mutation(() => NodeFromTemplateJob, { description: "Replaces a camera's username and password in the secret store." })
  async updateCameraCredentials(@Caller() caller: Principal, @Args('jobId') jobId: string, @Args('credentials') credentials: CameraCredentialsInput): Promise<NodeFromTemplateJob> {
    return toJob(await this.cameras.updateCredentials(caller, jobId, credentials));
  }

  @Mutation(() => Package, { description: 'Panorama CreatePackage: a node package, to give versions with registerPackageVersion.' })
  async createPackage(
    @Caller() caller: Principal,
    @Args('name') name: string,
    @Args('tags', { type: () => [TagInput], nullable: true }) tags: TagInput[] | null,
  ): Promise<Package> {
    return toPackage(await this.packages.create(caller, { name, tags }));
  }

  @Query(() => PackageConnection, { name: 'packages', description: 'Panorama ListPackages: by name.' })
  async listPackages(
    @Caller() caller: Principal,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<PackageConnection> {
    const page = await this.packages.list(caller, { first, after });
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toPackage(e.node) })) };
  }

  @Query(() => Package, { description: 'Panorama DescribePackage.' })
  async package(@Caller() caller: Principal, @Args('packageId') packageId: string): Promise<Package> {
    return toPackage(await this.packages.get(caller, packageId));
  }

  @Mutation(() => DeletePackageOutput, { description: 'Panorama DeletePackage: refused while application instances use it, unless forceDelete.' })
  deletePackage(
    @Caller() caller: Principal,
    @Args('packageId') packageId: string,
    @Args('forceDelete', { type: () => Boolean, defaultValue: false }) forceDelete: boolean,
  ): Promise<DeletePackageOutput> {
    return this.packages.delete(caller, packageId, forceDelete);
  }

  @Mutation(() => PackageAssetUploadUrl, { description: 'A signed URL for one PUT of a package file with this SHA-256 and size: an asset, a descriptor or the package manifest.' })
  createPackageAssetUploadUrl(
    @Caller() caller: Principal,
    @Args('packageId') packageId: string,
    @Args('sha256') sha256: string,
    @Args('sizeBytes', { type: () => Float }) sizeBytes: number,
  ): Promise<PackageAssetUploadUrl> {
    return this.files.createUploadUrl(caller, packageId, sha256, sizeBytes);
  }

  @Mutation(() => PackageVersion, { description: 'Panorama RegisterPackageVersion: from the uploaded package manifest, once every file it names is uploaded.' })
  registerPackageVersion(@Caller() caller: Principal, @Args('input') input: RegisterPackageVersionInput): Promise<PackageVersion> {
    return this.packages.registerVersion(caller, input);
  }

  @Mutation(() => Package, { description: 'Panorama DeregisterPackageVersion: refused while application instances use it; returns the package.' })
  async deregisterPackageVersion(@Caller() caller: Principal, @Args('input') input: PackageVersionInput): Promise<Package> {
    return toPackage(await this.packages.deregisterVersion(caller, input));
  }

  @Query(() => PackageVersion, { description: 'Panorama DescribePackageVersion; without patchVersion, the latest patch.' })
  packageVersion(
    @Caller() caller: Principal,
    @Args('packageId') packageId: string,
    @Args('packageVersion') packageVersion: string,
    @Args('patchVersion', { type: () => String, nullable: true }) patchVersion: string | null,
  ): Promise<PackageVersion> {
    return this.packages.version(caller, packageId, packageVersion, patchVersion);
  }

  @Query(() => NodeConnection, { description: 'Panorama ListNodes: interfaces of registered package versions; MEDIA_SOURCE for camera streams.' })
  nodes(
    @Caller() caller: Principal,
    @Args('filter', { type: () => NodeFilterInput, nullable: true }) filter: NodeFilterInput | null,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<NodeConnection> {
    return this.catalogue.nodes(caller, { category: filter?.category ?? null, packageName: filter?.packageName ?? null, first, after });
  }

  @Query(() => ManifestValidation, {
    description: "Checks an application manifest (graph.json) and its overrides, as createApplicationInstance takes them (PayloadData: JSON text), against your organization's catalogue: every problem, or the resolved graph.",
  })
  validateApplicationManifest(
    @Caller() caller: Principal,
    @Args('manifestPayload') manifestPayload: ManifestPayloadInput,
    @Args('manifestOverridesPayload', { type: () => ManifestPayloadInput, nullable: true }) manifestOverridesPayload: ManifestPayloadInput | null,
  ): Promise<ManifestValidation> {
    return this.catalogue.validate(caller.organizationId, manifestPayload.payloadData, manifestOverridesPayload?.payloadData ?? null);
  }
}

@Resolver(() => Package)
export class PackageFieldsResolver {
  constructor(private readonly files: PackageFiles) {}

  @ResolveField(() => [PackageAsset], { description: 'The files of the package, uploaded or awaited.' })
  async assets(@Caller() caller: Principal, @Parent() pkg: Package): Promise<PackageAsset[]> {
    const assets = await this.files.list(caller, pkg.packageId);
    return assets.map((a) => ({ ...a, downloadUrl: a.uploadedAt ? this.files.downloadUrl(a.sha256) : null }));
  }
}
