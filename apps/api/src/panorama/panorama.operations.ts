import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { ApplicationInstanceService, type ApplicationInstanceRow } from '@edgefleet/applications';
import { DeviceService } from '@edgefleet/devices';
import { type NodeSignal, type TagInput, applicationInstanceArn, validationFailed } from '@edgefleet/domain';
import { JobManagementService } from '@edgefleet/jobs';
import { OrganizationService, type Principal } from '@edgefleet/organizations';
import { PACKAGE_BUCKET, PackageCatalogue, type PackageImportInput, PackageImportService, PackageService, type PackageView } from '@edgefleet/packages';
import { ProvisioningService } from '@edgefleet/provisioning';
import { CameraStreamService } from '@edgefleet/streams';
import { camelKeys } from './rest-json';

type Input = Record<string, any>;
export type Handler = (principal: Principal, input: Input) => Promise<object>;

const DEFAULT_PAGE = 25;
const tags = (map: Record<string, string> | undefined): TagInput[] | null => (map ? Object.entries(map).map(([key, value]) => ({ key, value })) : null);
const page = (input: Input) => ({ first: input.MaxResults ?? DEFAULT_PAGE, after: input.NextToken ?? null });
const nextToken = (p: { pageInfo: { hasNextPage: boolean; endCursor: string | null } }) => (p.pageInfo.hasNextPage ? p.pageInfo.endCursor : undefined);
const nodes = <T>(p: { edges: { node: T }[] }) => p.edges.map((e) => e.node);
/** Panorama's StorageLocation of a package, over EdgeFleet's asset store (uploads go through signed URLs; see the README). */
const storageLocation = (p: Pick<PackageView, 'packageId'>) => ({
  Bucket: PACKAGE_BUCKET,
  RepoPrefixLocation: `packages/${p.packageId}`,
  GeneratedPrefixLocation: `packages/${p.packageId}/generated`,
  BinaryPrefixLocation: `packages/${p.packageId}/binaries`,
  ManifestPrefixLocation: `packages/${p.packageId}/manifests`,
});
const payload = (v: unknown) => (v === null || v === undefined ? undefined : { PayloadData: JSON.stringify(v) });

/** Panorama's device, device job and tag operations. */
@Injectable()
export class PanoramaDeviceOperations {
  readonly handlers: Record<string, Handler>;

  constructor(devices: DeviceService, provisioning: ProvisioningService, jobs: JobManagementService, packages: PackageService) {
    const tagOwner = (arn: string) => (packages.isPackageArn(arn) ? packages : devices);
    this.handlers = {
      // Devices
      ProvisionDevice: (p, i) => provisioning.provisionDevice(p, { name: i.Name, description: i.Description, tags: tags(i.Tags), networkingConfiguration: camelKeys(i.NetworkingConfiguration) }),
      ListDevices: async (p, i) => {
        if (i.SortBy === 'DEVICE_AGGREGATED_STATUS') throw validationFailed('SortBy', 'DEVICE_AGGREGATED_STATUS is not supported; sort by DEVICE_ID, CREATED_TIME or NAME.');
        const result = await devices.list(p, {
          ...page(i),
          filter: { deviceAggregatedStatus: i.DeviceAggregatedStatusFilter, nameContains: i.NameFilter },
          orderBy: i.SortBy ? { field: i.SortBy, order: i.SortOrder ?? 'ASCENDING' } : null,
        });
        return { Devices: nodes(result), NextToken: nextToken(result) };
      },
      DescribeDevice: (p, i) => devices.get(p, i.DeviceId),
      UpdateDeviceMetadata: async (p, i) => ({ DeviceId: (await devices.updateMetadata(p, i.DeviceId, i.Description ?? null)).deviceId }),
      DeleteDevice: async (p, i) => ({ DeviceId: (await provisioning.deprovisionDevice(p, i.DeviceId)).deviceId }),
      // Device jobs
      CreateJobForDevices: async (p, i) => {
        const ota = i.DeviceJobConfig?.OTAJobConfig;
        return { Jobs: await jobs.createJobForDevices(p, i.DeviceIds, { jobType: i.JobType, imageVersion: ota?.ImageVersion, allowMajorVersionUpdate: ota?.AllowMajorVersionUpdate }) };
      },
      DescribeDeviceJob: (p, i) => jobs.describe(p, i.JobId),
      ListDevicesJobs: async (p, i) => {
        const result = await jobs.list(p, { deviceId: i.DeviceId, ...page(i) });
        return { DeviceJobs: nodes(result), NextToken: nextToken(result) };
      },
      // Tags
      TagResource: async (p, i) => (await tagOwner(i.ResourceArn).tagResource(p, i.ResourceArn, tags(i.Tags)!), {}),
      UntagResource: async (p, i) => (await tagOwner(i.ResourceArn).untagResource(p, i.ResourceArn, i.TagKeys), {}),
      ListTagsForResource: async (p, i) => ({ Tags: await tagOwner(i.ResourceArn).tags(p, i.ResourceArn) }),
    };
  }
}

/** Panorama's camera stream, node, package and package import operations. */
@Injectable()
export class PanoramaCatalogueOperations {
  readonly handlers: Record<string, Handler>;

  constructor(cameras: CameraStreamService, packages: PackageService, catalogue: PackageCatalogue, imports: PackageImportService, organizations: OrganizationService) {
    this.handlers = {
      // Camera streams and nodes
      CreateNodeFromTemplateJob: async (p, i) => {
        const t = i.TemplateParameters as Record<string, string>;
        const job = await cameras.createNodeFromTemplateJob(p, {
          templateType: i.TemplateType,
          outputPackageName: i.OutputPackageName,
          outputPackageVersion: i.OutputPackageVersion,
          nodeName: i.NodeName,
          nodeDescription: i.NodeDescription,
          templateParameters: { username: t.Username, password: t.Password, streamUrl: t.StreamUrl },
          jobTags: tags(i.JobTags?.find((j: Input) => j.ResourceType === 'PACKAGE')?.Tags),
        });
        return { JobId: job.jobId };
      },
      DescribeNodeFromTemplateJob: async (p, i) => {
        const job = await cameras.get(p, i.JobId);
        return {
          ...job,
          StatusMessage: job.statusMessage ?? job.status,
          // Panorama keeps the credentials as a secret and never shows them.
          TemplateParameters: { StreamUrl: job.streamUrl, Username: 'SAVED_AS_SECRET', Password: 'SAVED_AS_SECRET' },
          JobTags: Object.keys(job.jobTags).length ? [{ ResourceType: 'PACKAGE', Tags: job.jobTags }] : undefined,
        };
      },
      ListNodeFromTemplateJobs: async (p, i) => {
        const result = await cameras.list(p, page(i));
        return { NodeFromTemplateJobs: nodes(result).map((j) => ({ ...j, StatusMessage: j.statusMessage ?? j.status })), NextToken: nextToken(result) };
      },
      ListNodes: async (p, i) => {
        const result = await catalogue.nodes(p, { category: i.Category, packageName: i.PackageName, ...page(i) });
        const accountId = await organizations.accountId(p.organizationId);
        const wanted = nodes(result).filter((n) => (!i.PackageVersion || n.packageVersion === i.PackageVersion) && (!i.PatchVersion || n.patchVersion === i.PatchVersion) && (!i.OwnerAccount || i.OwnerAccount === accountId));
        return { Nodes: wanted.map((n) => ({ ...n, PackageArn: packages.arnOf(accountId, n.packageId) })), NextToken: nextToken(result) };
      },
      DescribeNode: async (p, i) => {
        const n = await catalogue.node(p, i.NodeId);
        const port = (x: { name: string; type: string; description?: string }) => ({ Name: x.name, Type: x.type.toUpperCase(), Description: x.description });
        return {
          ...n,
          Description: n.description ?? '',
          LastUpdatedTime: n.createdTime,
          PackageArn: packages.arnOf(n.ownerAccount, n.packageId),
          NodeInterface: { Inputs: n.inputs.map(port), Outputs: n.outputs.map(port) },
        };
      },
      // Packages
      CreatePackage: async (p, i) => {
        const pkg = await packages.create(p, { name: i.PackageName, tags: tags(i.Tags) });
        return { PackageId: pkg.packageId, Arn: pkg.arn, StorageLocation: storageLocation(pkg) };
      },
      ListPackages: async (p, i) => {
        const result = await packages.list(p, page(i));
        return { Packages: nodes(result), NextToken: nextToken(result) };
      },
      DescribePackage: async (p, i) => {
        const pkg = await packages.describe(p, i.PackageId);
        return { ...pkg, StorageLocation: storageLocation(pkg), ReadAccessPrincipalArns: [], WriteAccessPrincipalArns: [] };
      },
      DeletePackage: async (p, i) => (await packages.delete(p, i.PackageId, i.ForceDelete ?? false), {}),
      RegisterPackageVersion: async (p, i) => (await packages.registerVersion(p, { packageId: i.PackageId, packageVersion: i.PackageVersion, patchVersion: i.PatchVersion, markLatest: i.MarkLatest }), {}),
      DeregisterPackageVersion: async (p, i) => (await packages.deregisterVersion(p, { packageId: i.PackageId, packageVersion: i.PackageVersion, patchVersion: i.PatchVersion }), {}),
      DescribePackageVersion: async (p, i) => {
        const v = await packages.version(p, i.PackageId, i.PackageVersion, i.PatchVersion);
        const accountId = await organizations.accountId(p.organizationId);
        return { ...v, IsLatestPatch: v.isLatestPatch, OwnerAccount: accountId, PackageArn: packages.arnOf(accountId, v.packageId), StatusDescription: v.statusDescription ?? undefined };
      },
      CreatePackageImportJob: async (p, i) => ({ JobId: (await imports.create(p, i as PackageImportInput)).jobId }),
      DescribePackageImportJob: async (p, i) => {
        const job = await imports.describe(p, i.JobId);
        // Output is required by the model; a job that registered nothing has an empty one.
        return { ...job, Output: job.output ?? { PackageId: '', PackageVersion: '', PatchVersion: '', OutputS3Location: { BucketName: '', ObjectKey: '' } } };
      },
      ListPackageImportJobs: async (p, i) => {
        const result = await imports.list(p, page(i));
        return { PackageImportJobs: nodes(result), NextToken: nextToken(result) };
      },
    };
  }
}

/** Panorama's application instance operations. */
@Injectable()
export class PanoramaApplicationOperations {
  readonly handlers: Record<string, Handler>;

  constructor(instances: ApplicationInstanceService, devices: DeviceService, organizations: OrganizationService, @Inject(CONFIG) config: Config) {
    /** Instances as Panorama shows them; a page of instances on one device reads that device once. */
    const instanceViews = async (p: Principal, rows: ApplicationInstanceRow[]) => {
      const accountId = await organizations.accountId(p.organizationId);
      const names = new Map<string, Promise<string | undefined>>();
      const nameOf = (deviceId: string) => names.get(deviceId) ?? names.set(deviceId, devices.get(p, deviceId).then((d) => d.name, () => undefined)).get(deviceId)!;
      return Promise.all(rows.map(async (r) => ({
        ...r,
        Arn: applicationInstanceArn(config.REGION, accountId, r.applicationInstanceId),
        DefaultRuntimeContextDeviceName: await nameOf(r.defaultRuntimeContextDevice),
      })));
    };
    this.handlers = {
      // Application instances
      CreateApplicationInstance: async (p, i) => {
        const created = await instances.create(p, {
          name: i.Name,
          description: i.Description,
          manifestPayload: { payloadData: i.ManifestPayload.PayloadData },
          manifestOverridesPayload: i.ManifestOverridesPayload ? { payloadData: i.ManifestOverridesPayload.PayloadData } : null,
          defaultRuntimeContextDevice: i.DefaultRuntimeContextDevice,
          runtimeRoleArn: i.RuntimeRoleArn,
          applicationInstanceIdToReplace: i.ApplicationInstanceIdToReplace,
          tags: tags(i.Tags),
        });
        return { ApplicationInstanceId: created.applicationInstanceId };
      },
      DescribeApplicationInstance: async (p, i) => (await instanceViews(p, [await instances.get(p, i.ApplicationInstanceId)]))[0],
      DescribeApplicationInstanceDetails: async (p, i) => {
        const r = await instances.get(p, i.ApplicationInstanceId);
        return { ...r, ManifestPayload: payload(r.manifestPayload), ManifestOverridesPayload: payload(r.manifestOverridesPayload) };
      },
      ListApplicationInstances: async (p, i) => {
        const result = await instances.list(p, { deviceId: i.DeviceId, statusFilter: i.StatusFilter, ...page(i) });
        return { ApplicationInstances: await instanceViews(p, nodes(result)), NextToken: nextToken(result) };
      },
      RemoveApplicationInstance: async (p, i) => (await instances.remove(p, i.ApplicationInstanceId), {}),
      ListApplicationInstanceDependencies: async (p, i) => {
        const deps = await instances.dependencies(p, i.ApplicationInstanceId);
        return { PackageObjects: deps.map((d) => ({ Name: d.name, PackageVersion: d.version, PatchVersion: d.patchVersion ?? '' })) };
      },
      ListApplicationInstanceNodeInstances: async (p, i) => ({ NodeInstances: await instances.nodeInstances(p, i.ApplicationInstanceId) }),
      SignalApplicationInstanceNodeInstances: async (p, i) => {
        const signals = (i.NodeSignals as Input[]).map((s) => ({ nodeInstanceId: s.NodeInstanceId as string, signal: s.Signal as NodeSignal }));
        return { ApplicationInstanceId: (await instances.signal(p, i.ApplicationInstanceId, signals)).applicationInstanceId };
      },
    };
  }
}

/**
 * Each Panorama operation as a call of the use case its GraphQL twin calls: only shapes are
 * mapped here (names, pages, tags); every rule stays in the services.
 */
@Injectable()
export class PanoramaOperations {
  readonly handlers: Record<string, Handler>;

  constructor(devices: PanoramaDeviceOperations, catalogue: PanoramaCatalogueOperations, applications: PanoramaApplicationOperations) {
    this.handlers = { ...devices.handlers, ...catalogue.handlers, ...applications.handlers };
  }
}
