import { Injectable } from '@nestjs/common';
import { DomainError, assertPageSize, decodeCursor, newId, notFound, pageOf, validationFailed } from '@edgefleet/domain';
import { AuditService, type Principal } from '@edgefleet/organizations';
import { settleImportJob } from './package-import.transitions';
import { PackageRepository } from './package.repository';
import { PackageService } from './package.service';

/** The bucket Panorama's StorageLocation names: EdgeFleet's asset store, reached through signed URLs. */
export const PACKAGE_BUCKET = 'edgefleet-packages';
/** `packages/<packageId>/manifests/[<version>/]<sha256>.json`: a package manifest uploaded as an asset of the package (panorama-cli puts it under its version). */
const MANIFEST_KEY = /^packages\/(package-[a-z2-7]{26})\/manifests\/(?:\d+\.\d+\/)?([0-9a-f]{64})\.json$/;

export interface PackageImportInput {
  ClientToken: string;
  JobType: string;
  InputConfig: { PackageVersionInputConfig?: { S3Location: { BucketName: string; ObjectKey: string; Region?: string } } };
  OutputConfig: { PackageVersionOutputConfig?: { PackageName: string; PackageVersion: string; MarkLatest?: boolean } };
  JobTags?: unknown[];
}

/**
 * CreatePackageImportJob over EdgeFleet's package store: the "S3 object" is a package
 * manifest uploaded as an asset of the package (its key says which), and the import
 * registers that version, as registerPackageVersion does. The job records the outcome:
 * a manifest that does not register leaves a FAILED job saying why.
 */
@Injectable()
export class PackageImportService {
  constructor(
    private readonly repository: PackageRepository,
    private readonly packages: PackageService,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, input: PackageImportInput): Promise<{ jobId: string }> {
    const known = await this.repository.importJobByToken(principal.organizationId, input.ClientToken);
    if (known) return known;
    if (input.JobType !== 'NODE_PACKAGE_VERSION') throw validationFailed('JobType', `${input.JobType} imports need AWS Marketplace; EdgeFleet imports NODE_PACKAGE_VERSION.`);
    const location = input.InputConfig.PackageVersionInputConfig?.S3Location;
    const output = input.OutputConfig.PackageVersionOutputConfig;
    if (!location) throw validationFailed('InputConfig.PackageVersionInputConfig', 'is required.');
    if (!output) throw validationFailed('OutputConfig.PackageVersionOutputConfig', 'is required.');
    if (location.BucketName !== PACKAGE_BUCKET) throw validationFailed('InputConfig.PackageVersionInputConfig.S3Location.BucketName', `must be ${PACKAGE_BUCKET}, the bucket of the package's StorageLocation.`);
    const key = MANIFEST_KEY.exec(location.ObjectKey);
    if (!key) throw validationFailed('InputConfig.PackageVersionInputConfig.S3Location.ObjectKey', "must be <ManifestPrefixLocation>/<sha256 of the package manifest>.json, the manifest uploaded as an asset of the package.");
    const [, packageId, patchVersion] = key;
    const pkg = await this.packages.get(principal, packageId);
    if (pkg.packageName !== output.PackageName) throw validationFailed('OutputConfig.PackageVersionOutputConfig.PackageName', `is ${output.PackageName}, but the manifest belongs to package ${pkg.packageName}.`);

    const jobId = newId('packageImportJob');
    await this.repository.transaction(async (tx) => {
      await this.repository.insertImportJob(tx, {
        jobId,
        organizationId: principal.organizationId,
        clientToken: input.ClientToken,
        jobType: input.JobType,
        inputConfig: input.InputConfig as object,
        outputConfig: input.OutputConfig as object,
        jobTags: (input.JobTags ?? []) as object[],
        statusMessage: 'Registering the package version.',
      });
      await this.audit.record(tx, principal, { action: 'package.import', targetType: 'Package', targetId: packageId, details: { jobId, packageVersion: output.PackageVersion, patchVersion } });
    });
    let outcome: Parameters<typeof settleImportJob>[2];
    try {
      await this.packages.registerVersion(principal, { packageId, packageVersion: output.PackageVersion, patchVersion, markLatest: output.MarkLatest });
      outcome = {
        event: 'SUCCEED',
        statusMessage: `Registered ${pkg.packageName} ${output.PackageVersion} (patch ${patchVersion}).`,
        output: { PackageId: packageId, PackageVersion: output.PackageVersion, PatchVersion: patchVersion, OutputS3Location: { BucketName: PACKAGE_BUCKET, ObjectKey: location.ObjectKey } },
      };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      outcome = { event: 'FAIL', statusMessage: err.message.slice(0, 1000) };
    }
    await this.repository.transaction((tx) => settleImportJob(tx, jobId, outcome));
    return { jobId };
  }

  async describe(principal: Principal, jobId: string) {
    const job = await this.repository.importJob(principal.organizationId, jobId);
    if (!job) throw notFound('Package import job', jobId);
    return job;
  }

  async list(principal: Principal, args: { first: number; after?: string | null }) {
    assertPageSize(args.first, 'MaxResults');
    const after = args.after ? decodeCursor(args.after, 1, 'NextToken')[0] : null;
    const rows = await this.repository.importJobs(principal.organizationId, args.first, after);
    return pageOf(rows, args.first, (r) => [r.jobId]);
  }
}
