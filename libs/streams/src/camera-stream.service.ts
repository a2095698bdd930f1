import { Injectable } from '@nestjs/common';
import { Prisma } from '@edgefleet/db';
import {
  DomainError,
  type NodeFromTemplateJobStatus,
  type TagInput,
  type Tags,
  assertCatalogueName,
  assertDescription,
  assertPackageVersion,
  assertPageSize,
  assertRtspTemplateParameters,
  assertWithinQuota,
  mergeTags,
  newNodeFromTemplateJobId,
  notFound,
  pageOf,
  validationFailed,
} from '@edgefleet/domain';
import { AuditService, OrganizationService, type Principal, actorOf } from '@edgefleet/organizations';
import { PackageService } from '@edgefleet/packages';
import { outbox } from '@edgefleet/queue';
import { SecretStore } from '@edgefleet/secrets';
import { type CameraRow, CameraStreamRepository } from './camera-stream.repository';
import { moveCameraJob } from './camera-stream.transitions';

export const TEMPLATE_TYPE = 'RTSP_CAMERA_STREAM';

export interface CreateCameraInput {
  templateType: string;
  outputPackageName: string;
  outputPackageVersion: string;
  nodeName: string;
  nodeDescription?: string | null;
  templateParameters: { username: string; password: string; streamUrl: string };
  jobTags?: TagInput[] | null;
}

/** A CreateNodeFromTemplateJob as the API shows it: never the credentials, only that they exist and when they changed. */
export interface NodeFromTemplateJobView {
  jobId: string;
  templateType: string;
  outputPackageName: string;
  outputPackageVersion: string;
  nodeName: string;
  /** The camera's interface as a manifest (or its overrides) names it: `<account id>::<package>.<node>`. */
  interface: string;
  nodeDescription: string | null;
  streamUrl: string;
  status: NodeFromTemplateJobStatus;
  statusMessage: string | null;
  jobTags: Tags;
  packageId: string | null;
  createdTime: Date;
  lastUpdatedTime: Date;
  credentials: { stored: boolean; updatedAt: Date | null };
}

/** The secret holding a camera's Username and Password (Panorama keeps them in Secrets Manager, named panorama…). */
export const cameraSecretName = (jobId: string) => `panorama-camera-${jobId}`;

/**
 * Camera streams, made as Panorama makes them: CreateNodeFromTemplateJob (RTSP_CAMERA_STREAM)
 * stores the credentials in the secret store and queues the job; a worker turns it into a
 * package `<account>::<package>` version 1.0 whose one node is the camera
 * (`<account>::<package>.<node>`), so application manifests can use it.
 */
@Injectable()
export class CameraStreamService {
  constructor(
    private readonly cameras: CameraStreamRepository,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationService,
    private readonly packages: PackageService,
    private readonly secrets: SecretStore,
  ) {}

  async createNodeFromTemplateJob(principal: Principal, input: CreateCameraInput): Promise<NodeFromTemplateJobView> {
    if (input.templateType !== TEMPLATE_TYPE) throw validationFailed('templateType', `must be ${TEMPLATE_TYPE}.`);
    assertCatalogueName('outputPackageName', input.outputPackageName);
    assertCatalogueName('nodeName', input.nodeName);
    if (input.nodeDescription) assertDescription('nodeDescription', input.nodeDescription);
    assertPackageVersion('outputPackageVersion', input.outputPackageVersion);
    assertRtspTemplateParameters(input.templateParameters);
    const jobTags = mergeTags({}, input.jobTags ?? []);
    const org = principal.organizationId;
    await this.assertNameFree(org, input.outputPackageName, input.nodeName);
    assertWithinQuota('packages', await this.packages.count(org), 1, (await this.organizations.quotas(org)).packages);

    const jobId = newNodeFromTemplateJobId();
    const secretName = cameraSecretName(jobId);
    const { username, password, streamUrl } = input.templateParameters;
    await this.secrets.put(org, secretName, { Username: username, Password: password });
    try {
      await this.cameras.transaction(async (tx) => {
        const camera = {
          jobId,
          organizationId: org,
          templateType: TEMPLATE_TYPE,
          nodeName: input.nodeName,
          nodeDescription: input.nodeDescription ?? null,
          outputPackageName: input.outputPackageName,
          outputPackageVersion: input.outputPackageVersion,
          streamUrl,
          secretId: secretName,
          jobTags,
        };
        await this.cameras.insert(tx, camera, actorOf(principal));
        await outbox.enqueue(tx, 'streams', 'create-camera-node', [{ payload: { jobId }, key: `create-camera-node-${jobId}` }]);
        await this.audit.record(tx, principal, {
          action: 'cameraStream.create',
          targetType: 'NodeFromTemplateJob',
          targetId: jobId,
          details: { nodeName: input.nodeName, outputPackageName: input.outputPackageName, streamUrl },
        });
      });
    } catch (err) {
      await this.secrets.delete(org, secretName); // nothing of a refused request stays behind
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw this.nameTaken(input.outputPackageName, input.nodeName);
      throw err;
    }
    return this.get(principal, jobId);
  }

  async get(principal: Principal, jobId: string): Promise<NodeFromTemplateJobView> {
    const row = await this.cameras.find(principal.organizationId, jobId);
    if (!row) throw notFound('Node from template job', jobId);
    return this.view(row);
  }

  async list(principal: Principal, args: { first: number; after?: string | null }) {
    assertPageSize(args.first);
    const rows = await this.cameras.page(principal.organizationId, args.first, args.after);
    const views = await Promise.all(rows.map((r) => this.view(r)));
    return pageOf(views, args.first, (v) => [v.createdTime.toISOString(), v.jobId]);
  }

  /**
   * The username and password of the organization's camera (its package name), as devices
   * running it fetch them; undefined when there is no such camera, or its credentials are gone.
   */
  async credentialsOf(organizationId: string, packageName: string): Promise<{ username: string; password: string } | undefined> {
    const job = await this.cameras.latestSucceeded(organizationId, packageName);
    if (!job) return undefined;
    const value = await this.secrets.get(organizationId, cameraSecretName(job.jobId));
    return { username: value.Username ?? '', password: value.Password ?? '' };
  }

  /** Replaces a camera's username and password in the secret store; devices read the new ones on their next fetch. */
  async updateCredentials(principal: Principal, jobId: string, credentials: { username: string; password: string }): Promise<NodeFromTemplateJobView> {
    const job = await this.get(principal, jobId);
    assertRtspTemplateParameters({ ...credentials, streamUrl: job.streamUrl });
    await this.secrets.put(principal.organizationId, cameraSecretName(jobId), { Username: credentials.username, Password: credentials.password });
    await this.audit.recordNow(principal, { action: 'cameraStream.updateCredentials', targetType: 'NodeFromTemplateJob', targetId: jobId, details: { nodeName: job.nodeName } });
    return this.get(principal, jobId);
  }

  /**
   * The worker's half: the camera's package and version, then SUCCEEDED; or FAILED with the
   * reason when the name was taken or the quota reached meanwhile, or the credentials are gone.
   */
  async process(jobId: string, actor = 'system:worker'): Promise<NodeFromTemplateJobStatus | undefined> {
    const job = await this.cameras.byJobId(jobId);
    if (!job || job.status !== 'PENDING') return job?.status;
    const quota = (await this.organizations.quotas(job.organizationId)).packages;
    const credentials = await this.secrets.describe(job.organizationId, job.secretId);
    const accountId = await this.organizations.accountId(job.organizationId);
    return this.cameras.transaction(async (tx) => {
      const fail = async (statusMessage: string) => {
        await moveCameraJob(tx, jobId, 'FAIL', actor, { statusMessage });
        return 'FAILED' as const;
      };
      if (!credentials) return fail('The camera credentials are missing from the secret store.');
      let packageId: string;
      try {
        const manifest = cameraPackageManifest(job, accountId);
        packageId = await this.packages.createRegistered(tx, { organizationId: job.organizationId, packageName: job.outputPackageName, tags: job.jobTags as Tags, packageVersion: job.outputPackageVersion, manifest }, quota);
      } catch (err) {
        if (err instanceof DomainError) return fail(err.message);
        throw err;
      }
      if (!(await moveCameraJob(tx, jobId, 'SUCCEED', actor, { packageId, statusMessage: 'Created camera node ' + job.nodeName }))) throw new DomainError('CHANGED_MEANWHILE', `Job ${jobId} changed meanwhile.`); // rolls the package back
      await this.audit.record(tx, { organizationId: job.organizationId, actor }, { action: 'package.create', targetType: 'Package', targetId: packageId, details: { name: job.outputPackageName, fromJob: jobId } });
      return 'SUCCEEDED' as const;
    });
  }

  private async assertNameFree(organizationId: string, packageName: string, nodeName: string): Promise<void> {
    const [pkg, camera] = await Promise.all([this.packages.exists(organizationId, packageName), this.cameras.nameInUse(organizationId, packageName, nodeName)]);
    if (pkg || camera) throw this.nameTaken(packageName, nodeName);
  }

  private nameTaken(packageName: string, nodeName: string): DomainError {
    return new DomainError('ALREADY_EXISTS', `A package or camera named ${packageName} (node ${nodeName}) exists already in your organization.`, { outputPackageName: packageName, nodeName });
  }

  private async view(r: CameraRow): Promise<NodeFromTemplateJobView> {
    const [secret, accountId] = await Promise.all([this.secrets.describe(r.organizationId, r.secretId), this.organizations.accountId(r.organizationId)]);
    return {
      jobId: r.jobId,
      templateType: r.templateType,
      outputPackageName: r.outputPackageName,
      outputPackageVersion: r.outputPackageVersion,
      nodeName: r.nodeName,
      interface: `${accountId}::${r.outputPackageName}.${r.nodeName}`,
      nodeDescription: r.nodeDescription,
      streamUrl: r.streamUrl,
      status: r.status as NodeFromTemplateJobStatus,
      statusMessage: r.statusMessage,
      jobTags: r.jobTags as Tags,
      packageId: r.packageId,
      createdTime: r.createdAt,
      lastUpdatedTime: r.updatedAt,
      credentials: { stored: !!secret, updatedAt: secret?.updatedAt ?? null },
    };
  }
}

/**
 * The camera's package manifest: one media_source interface named after the node, with the
 * camera placeholder's output, and where the stream is (the credentials only by secret name).
 */
export function cameraPackageManifest(job: Pick<CameraRow, 'outputPackageName' | 'outputPackageVersion' | 'nodeName' | 'nodeDescription' | 'streamUrl' | 'secretId'>, accountId: string) {
  return {
    nodePackage: {
      envelopeVersion: '2021-01-01',
      name: job.outputPackageName,
      version: job.outputPackageVersion,
      description: job.nodeDescription ?? `Camera stream ${job.nodeName}`,
      assets: [],
      interfaces: [{ name: job.nodeName, category: 'media_source', outputs: [{ name: 'video_out', type: 'media', description: 'Camera stream' }] }],
    },
    mediaSource: { templateType: TEMPLATE_TYPE, streamUrl: job.streamUrl, credentialsSecret: job.secretId, ownerAccount: accountId },
  };
}
