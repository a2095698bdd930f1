import { Injectable } from '@nestjs/common';
import { DeviceService } from '@edgefleet/devices';
import {
  type ApplicationInstanceStatus,
  DomainError,
  type NodeSignal,
  ON_DEVICE_STATUSES,
  type ResolvedGraph,
  STATUS_DESCRIPTIONS,
  type TagInput,
  applicationInstanceMachine,
  assertDescription,
  assertPageSize,
  assertResourceName,
  mergeTags,
  newApplicationInstanceId,
  notFound,
  pageOf,
  validationFailed,
} from '@edgefleet/domain';
import { AuditService, type Principal, actorOf } from '@edgefleet/organizations';
import { PackageCatalogue } from '@edgefleet/packages';
import { type ApplicationInstanceRow, ApplicationInstanceRepository, type NodeInstanceRow } from './application-instance.repository';
import { DeploymentQuotas, hostPortsOf } from './deployment-quotas.service';

export interface CreateApplicationInstanceInput {
  name?: string | null;
  description?: string | null;
  manifestPayload: { payloadData: string };
  manifestOverridesPayload?: { payloadData: string } | null;
  defaultRuntimeContextDevice: string;
  runtimeRoleArn?: string | null;
  applicationInstanceIdToReplace?: string | null;
  tags?: TagInput[] | null;
}

/** An IAM role (its organization's role alias for it gives the credentials), or a role alias itself. */
const ROLE_ARN = /^arn:aws:(iam::\d{12}:role\/[\w+=,.@/-]{1,512}|iot:[a-z0-9-]+:\d{12}:rolealias\/[\w=,@-]{1,128})$/;

/** Panorama's StatusFilter: PROCESSING_DEPLOYMENT and PROCESSING_REMOVAL are several statuses each. */
const PROCESSING: Record<string, ApplicationInstanceStatus[]> = {
  PROCESSING_DEPLOYMENT: ['DEPLOYMENT_PENDING', 'DEPLOYMENT_REQUESTED', 'DEPLOYMENT_IN_PROGRESS'],
  PROCESSING_REMOVAL: ['REMOVAL_PENDING', 'REMOVAL_REQUESTED', 'REMOVAL_IN_PROGRESS'],
};

/**
 * Application instances, as integrators use them (Panorama's CreateApplicationInstance and
 * friends): the api checks and records the intent; the worker deploys it through the
 * device's `applications` shadow (see DeploymentService).
 */
@Injectable()
export class ApplicationInstanceService {
  constructor(
    private readonly instances: ApplicationInstanceRepository,
    private readonly devices: DeviceService,
    private readonly catalogue: PackageCatalogue,
    private readonly quotas: DeploymentQuotas,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, input: CreateApplicationInstanceInput): Promise<ApplicationInstanceRow> {
    const org = principal.organizationId;
    if (input.name) assertResourceName('name', input.name);
    if (input.description) assertDescription('description', input.description);
    if (input.runtimeRoleArn && !ROLE_ARN.test(input.runtimeRoleArn)) throw validationFailed('runtimeRoleArn', 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>) or a role alias ARN (arn:aws:iot:<region>:<account>:rolealias/<name>).');
    const tags = mergeTags({}, input.tags ?? []);
    const device = await this.devices.get(principal, input.defaultRuntimeContextDevice);
    if (device.provisioningStatus !== 'SUCCEEDED') {
      throw new DomainError('INVALID_ARGUMENT', `Device ${device.deviceId} is ${device.provisioningStatus}; only provisioned devices run applications.`, { field: 'defaultRuntimeContextDevice' });
    }
    const others = await this.instances.onDevice(device.deviceId);
    const replaced = input.applicationInstanceIdToReplace ?? null;
    if (replaced && !others.some((o) => o.applicationInstanceId === replaced)) {
      const found = await this.instances.find(org, replaced);
      if (!found) throw notFound('Application instance', replaced);
      throw new DomainError('INVALID_ARGUMENT', `Application instance ${replaced} is ${found.status} on ${found.defaultRuntimeContextDevice}; only an instance deployed to the same device can be replaced.`, { field: 'applicationInstanceIdToReplace' });
    }
    const staying = others.filter((o) => o.applicationInstanceId !== replaced);
    const validation = await this.catalogue.validate(org, input.manifestPayload.payloadData, input.manifestOverridesPayload?.payloadData ?? null, hostPortsOf(staying));
    if (!validation.valid) {
      const first = validation.problems.slice(0, 3).map((p) => `${p.document} ${p.path}: ${p.message}`).join('; ');
      throw new DomainError('INVALID_PACKAGE_MANIFEST', `The manifest has ${validation.problems.length} problem(s): ${first}`, { problems: validation.problems });
    }
    const limits = await this.quotas.limits(org);
    const id = newApplicationInstanceId();
    await this.instances.transaction(async (tx) => {
      await this.instances.lockDevice(tx, device.deviceId);
      const refusal = await this.quotas.refusal(tx, { deviceId: device.deviceId, replaced, graph: validation.graph! }, limits);
      if (refusal) throw refusal;
      await this.instances.insert(tx, {
        applicationInstanceId: id,
        organizationId: org,
        name: input.name ?? null,
        description: input.description ?? null,
        defaultRuntimeContextDevice: device.deviceId,
        manifestPayload: input.manifestPayload.payloadData,
        manifestOverridesPayload: input.manifestOverridesPayload?.payloadData ?? null,
        runtimeRoleArn: input.runtimeRoleArn ?? null,
        applicationInstanceIdToReplace: replaced,
        graph: validation.graph!,
        tags,
        actor: actorOf(principal),
      });
      await this.audit.record(tx, principal, {
        action: 'applicationInstance.create',
        targetType: 'ApplicationInstance',
        targetId: id,
        details: { name: input.name ?? null, deviceId: device.deviceId, replaces: replaced },
      });
    });
    return this.get(principal, id);
  }

  async get(principal: Principal, applicationInstanceId: string): Promise<ApplicationInstanceRow> {
    const row = await this.instances.find(principal.organizationId, applicationInstanceId);
    if (!row) throw notFound('Application instance', applicationInstanceId);
    return row;
  }

  /** Instances of the device that changed, as they are now (for relaying to their organization's subscribers: no principal). */
  changed(deviceId: string, applicationInstanceIds: string[]): Promise<ApplicationInstanceRow[]> {
    return this.instances.ofDevice(deviceId, applicationInstanceIds);
  }

  async list(principal: Principal, args: { deviceId?: string | null; statusFilter?: string | null; first: number; after?: string | null }) {
    assertPageSize(args.first);
    const statuses = args.statusFilter ? (PROCESSING[args.statusFilter] ?? [args.statusFilter]) : null;
    const rows = await this.instances.page(principal.organizationId, { ...args, statuses });
    return pageOf(rows, args.first, (r) => [r.createdAt.toISOString(), r.applicationInstanceId]);
  }

  async nodeInstances(principal: Principal, applicationInstanceId: string): Promise<NodeInstanceRow[]> {
    await this.get(principal, applicationInstanceId);
    return this.instances.nodeInstances(applicationInstanceId);
  }

  /** Panorama's DescribeApplicationInstanceDetails dependencies: the package versions the instance runs. */
  async dependencies(principal: Principal, applicationInstanceId: string) {
    const row = await this.get(principal, applicationInstanceId);
    return (row.resolvedGraph as ResolvedGraph | null)?.packages ?? [];
  }

  async remove(principal: Principal, applicationInstanceId: string): Promise<ApplicationInstanceRow> {
    const row = await this.get(principal, applicationInstanceId);
    applicationInstanceMachine.transition(row.status, 'REMOVE'); // a refusal says why
    await this.instances.transaction(async (tx) => {
      const moved = await this.instances.move(tx, { event: 'REMOVE', select: { applicationInstanceId }, actor: actorOf(principal), description: STATUS_DESCRIPTIONS.removalScheduled });
      if (moved.length === 0) throw new DomainError('CHANGED_MEANWHILE', `Application instance ${applicationInstanceId} changed meanwhile; try again.`);
      await this.instances.syncLater(tx, row.defaultRuntimeContextDevice);
      await this.audit.record(tx, principal, { action: 'applicationInstance.remove', targetType: 'ApplicationInstance', targetId: applicationInstanceId });
    });
    return this.get(principal, applicationInstanceId);
  }

  /** PAUSE or RESUME node instances (camera streams, mostly): the device stops or continues them. */
  /**
   * Snapshots of the instance's output, on demand: every `intervalSeconds` (5 to 3600) the device
   * sends the last frame its code put on `video_out`, labels drawn; 0 (the default) stops them and
   * forgets the last one. No frame leaves a device unless an operator asked.
   */
  async setSnapshots(principal: Principal, applicationInstanceId: string, intervalSeconds: number): Promise<ApplicationInstanceRow> {
    const row = await this.get(principal, applicationInstanceId);
    if (!(intervalSeconds === 0 || (Number.isInteger(intervalSeconds) && intervalSeconds >= 5 && intervalSeconds <= 3600))) {
      throw validationFailed('intervalSeconds', 'give 0 (off) or 5 to 3600 seconds.');
    }
    if (!(ON_DEVICE_STATUSES as readonly string[]).includes(row.status)) {
      throw new DomainError('INVALID_STATE_TRANSITION', `Application instance ${applicationInstanceId} is ${row.status}; only instances being deployed or deployed send snapshots.`);
    }
    await this.instances.transaction(async (tx) => {
      await this.instances.setSnapshotInterval(tx, applicationInstanceId, intervalSeconds);
      await this.instances.syncLater(tx, row.defaultRuntimeContextDevice);
      await this.audit.record(tx, principal, { action: 'applicationInstance.snapshots', targetType: 'ApplicationInstance', targetId: applicationInstanceId, details: { intervalSeconds } });
    });
    return { ...row, snapshotIntervalSeconds: intervalSeconds };
  }

  /** The last frame the device sent (while snapshots are on), or null. */
  async lastFrame(principal: Principal, applicationInstanceId: string) {
    await this.get(principal, applicationInstanceId);
    return this.instances.lastFrame(applicationInstanceId);
  }

  async signal(principal: Principal, applicationInstanceId: string, signals: { nodeInstanceId: string; signal: NodeSignal }[]): Promise<ApplicationInstanceRow> {
    const row = await this.get(principal, applicationInstanceId);
    if (signals.length === 0 || signals.length > 50) throw validationFailed('nodeSignals', 'give 1 to 50 signals.');
    // A signal to a deployment not on the device yet is recorded and applied when it gets there.
    if (!(ON_DEVICE_STATUSES as readonly string[]).includes(row.status)) {
      throw new DomainError('INVALID_STATE_TRANSITION', `Application instance ${applicationInstanceId} is ${row.status}; only instances being deployed or deployed take signals.`);
    }
    const nodes = new Set((await this.instances.nodeInstances(applicationInstanceId)).map((n) => n.nodeInstanceId));
    for (const s of signals) {
      if (!nodes.has(s.nodeInstanceId)) throw new DomainError('RESOURCE_NOT_FOUND', `Application instance ${applicationInstanceId} has no node instance ${s.nodeInstanceId} (it has ${[...nodes].join(', ')}).`, { field: 'nodeInstanceId' });
    }
    await this.instances.transaction(async (tx) => {
      await this.instances.setSignals(tx, applicationInstanceId, signals);
      await this.instances.syncLater(tx, row.defaultRuntimeContextDevice);
      await this.audit.record(tx, principal, { action: 'applicationInstance.signal', targetType: 'ApplicationInstance', targetId: applicationInstanceId, details: { signals } });
    });
    return row;
  }
}
