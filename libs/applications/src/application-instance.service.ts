import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { longestSignedUrl } from '@edgefleet/artifacts';
import { CONFIG, type Config } from '@edgefleet/config';
import { applicationsShadowFootprint, applicationsShadowOverhead, deploymentSpecsPath } from '@edgefleet/contracts';
import { Prisma, PrismaService, type Tx } from '@edgefleet/db';
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
  cursorTimestamp,
  decodeCursor,
  mergeTags,
  newApplicationInstanceId,
  nodeIdOf,
  notFound,
  pageOf,
  validationFailed,
} from '@edgefleet/domain';
import { AuditService, OrganizationService, type Principal, actorOf } from '@edgefleet/organizations';
import { PackageCatalogue } from '@edgefleet/packages';
import { outbox } from '@edgefleet/queue';
import { moveInstances } from './application-instance.transitions';

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

export type ApplicationInstanceRow = Prisma.ApplicationInstanceGetPayload<object>;
export type NodeInstanceRow = Prisma.NodeInstanceGetPayload<object>;

const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** Host ports the device's other instances keep open. */
export function hostPortsOf(instances: { resolvedGraph: unknown }[]): Set<number> {
  return new Set(instances.flatMap((i) => ((i.resolvedGraph as ResolvedGraph | null)?.networkRoutingRules ?? []).map((r) => r.hostPort)));
}

/** The nodes a graph runs: every node but parameters. */
const runningNodes = (graph: ResolvedGraph) => graph.nodes.filter((n) => n.category !== 'parameter');

/** The node instances of a resolved graph; nodes launched onSignal start paused. */
export function nodeInstancesOf(applicationInstanceId: string, graph: ResolvedGraph): Prisma.NodeInstanceCreateManyInput[] {
  return runningNodes(graph).map((n) => ({
      applicationInstanceId,
      nodeInstanceId: n.name,
      nodeId: nodeIdOf(n.packageName ?? n.interface.split('.')[0], n.packageVersion ?? '1.0', n.patchVersion ?? '00000000', n.interface.split('.').at(-1)!),
      packageName: n.packageName ?? n.interface.split('.')[0],
      packageVersion: n.packageVersion ?? '1.0',
      packagePatchVersion: n.patchVersion ?? '',
      nodeName: n.interface.split('.').at(-1)!,
      signal: n.launch === 'onSignal' ? 'PAUSE' : null,
    }));
}

/**
 * Application instances, as integrators use them (Panorama's CreateApplicationInstance and
 * friends): the api checks and records the intent; the worker deploys it through the
 * device's `applications` shadow (see DeploymentService).
 */
@Injectable()
export class ApplicationInstanceService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationService,
    private readonly catalogue: PackageCatalogue,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async create(principal: Principal, input: CreateApplicationInstanceInput): Promise<ApplicationInstanceRow> {
    const org = principal.organizationId;
    if (input.name) assertResourceName('name', input.name);
    if (input.description) assertDescription('description', input.description);
    if (input.runtimeRoleArn && !ROLE_ARN.test(input.runtimeRoleArn)) throw validationFailed('runtimeRoleArn', 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>).');
    const tags = mergeTags({}, input.tags ?? []);
    const device = await this.prisma.device.findFirst({ where: { deviceId: input.defaultRuntimeContextDevice, organizationId: org } });
    if (!device) throw notFound('Device', input.defaultRuntimeContextDevice);
    if (device.provisioningStatus !== 'SUCCEEDED') {
      throw new DomainError('INVALID_ARGUMENT', `Device ${device.deviceId} is ${device.provisioningStatus}; only provisioned devices run applications.`, { field: 'defaultRuntimeContextDevice' });
    }
    const others = await this.prisma.applicationInstance.findMany({
      where: { defaultRuntimeContextDevice: device.deviceId, status: { in: [...ON_DEVICE_STATUSES] } },
      select: { applicationInstanceId: true, resolvedGraph: true },
    });
    const replaced = input.applicationInstanceIdToReplace ?? null;
    if (replaced && !others.some((o) => o.applicationInstanceId === replaced)) {
      const found = await this.prisma.applicationInstance.findFirst({ where: { applicationInstanceId: replaced, organizationId: org } });
      if (!found) throw notFound('Application instance', replaced);
      throw new DomainError('INVALID_ARGUMENT', `Application instance ${replaced} is ${found.status} on ${found.defaultRuntimeContextDevice}; only an instance deployed to the same device can be replaced.`, { field: 'applicationInstanceIdToReplace' });
    }
    const staying = others.filter((o) => o.applicationInstanceId !== replaced);
    const validation = await this.catalogue.validate(org, input.manifestPayload.payloadData, input.manifestOverridesPayload?.payloadData ?? null, hostPortsOf(staying));
    if (!validation.valid) {
      const first = validation.problems.slice(0, 3).map((p) => `${p.document} ${p.path}: ${p.message}`).join('; ');
      throw new DomainError('INVALID_PACKAGE_MANIFEST', `The manifest has ${validation.problems.length} problem(s): ${first}`, { problems: validation.problems });
    }
    const quotas = await this.organizations.quotas(org);
    const id = newApplicationInstanceId();
    await this.prisma.$transaction(async (tx) => {
      // One deployment at a time per device, so the per-device quotas hold under concurrency.
      await tx.$executeRaw`SELECT 1 FROM "Device" WHERE "deviceId" = ${device.deviceId} FOR UPDATE`;
      const refusal = await quotaRefusal(tx, this.config, { deviceId: device.deviceId, replaced, graph: validation.graph! }, quotas);
      if (refusal) throw refusal;
      await insertInstance(tx, {
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
    const row = await this.prisma.applicationInstance.findFirst({ where: { applicationInstanceId, organizationId: principal.organizationId } });
    if (!row) throw notFound('Application instance', applicationInstanceId);
    return row;
  }

  async list(principal: Principal, args: { deviceId?: string | null; statusFilter?: string | null; first: number; after?: string | null }) {
    assertPageSize(args.first);
    const where = [Prisma.sql`"organizationId" = ${principal.organizationId}::uuid`];
    if (args.deviceId) where.push(Prisma.sql`"defaultRuntimeContextDevice" = ${args.deviceId}`);
    // Panorama's StatusFilter: DEPLOYMENT_SUCCEEDED, DEPLOYMENT_ERROR, REMOVAL_SUCCEEDED, REMOVAL_FAILED, PROCESSING_DEPLOYMENT, PROCESSING_REMOVAL, DEPLOYMENT_FAILED.
    const processing: Record<string, ApplicationInstanceStatus[]> = {
      PROCESSING_DEPLOYMENT: ['DEPLOYMENT_PENDING', 'DEPLOYMENT_REQUESTED', 'DEPLOYMENT_IN_PROGRESS'],
      PROCESSING_REMOVAL: ['REMOVAL_PENDING', 'REMOVAL_REQUESTED', 'REMOVAL_IN_PROGRESS'],
    };
    if (args.statusFilter) {
      const statuses = processing[args.statusFilter] ?? [args.statusFilter];
      where.push(Prisma.sql`status::text IN (${Prisma.join(statuses)})`);
    }
    if (args.after) {
      const [at, id] = decodeCursor(args.after, 2, 'after');
      where.push(Prisma.sql`("createdAt", "applicationInstanceId") < (${cursorTimestamp(at, 'after')}::timestamp, ${id})`);
    }
    const rows = await this.prisma.$queryRaw<ApplicationInstanceRow[]>`
      SELECT * FROM "ApplicationInstance" WHERE ${Prisma.join(where, ' AND ')} ORDER BY "createdAt" DESC, "applicationInstanceId" DESC LIMIT ${args.first + 1}`;
    return pageOf(rows, args.first, (r) => [r.createdAt.toISOString(), r.applicationInstanceId]);
  }

  async nodeInstances(principal: Principal, applicationInstanceId: string): Promise<NodeInstanceRow[]> {
    await this.get(principal, applicationInstanceId);
    return this.prisma.nodeInstance.findMany({ where: { applicationInstanceId }, orderBy: { nodeInstanceId: 'asc' } });
  }

  /** Panorama's DescribeApplicationInstanceDetails dependencies: the package versions the instance runs. */
  async dependencies(principal: Principal, applicationInstanceId: string) {
    const row = await this.get(principal, applicationInstanceId);
    return (row.resolvedGraph as ResolvedGraph | null)?.packages ?? [];
  }

  async remove(principal: Principal, applicationInstanceId: string): Promise<ApplicationInstanceRow> {
    const row = await this.get(principal, applicationInstanceId);
    applicationInstanceMachine.transition(row.status, 'REMOVE'); // a refusal says why
    await this.prisma.$transaction(async (tx) => {
      const moved = await moveInstances(tx, this.config, {
        event: 'REMOVE',
        where: Prisma.sql`t."applicationInstanceId" = ${applicationInstanceId}`,
        actor: actorOf(principal),
        description: STATUS_DESCRIPTIONS.removalScheduled,
      });
      if (moved.length === 0) throw new DomainError('CHANGED_MEANWHILE', `Application instance ${applicationInstanceId} changed meanwhile; try again.`);
      await syncLater(tx, row.defaultRuntimeContextDevice);
      await this.audit.record(tx, principal, { action: 'applicationInstance.remove', targetType: 'ApplicationInstance', targetId: applicationInstanceId });
    });
    return this.get(principal, applicationInstanceId);
  }

  /** PAUSE or RESUME node instances (camera streams, mostly): the device stops or continues them. */
  async signal(principal: Principal, applicationInstanceId: string, signals: { nodeInstanceId: string; signal: NodeSignal }[]): Promise<ApplicationInstanceRow> {
    const row = await this.get(principal, applicationInstanceId);
    if (signals.length === 0 || signals.length > 50) throw validationFailed('nodeSignals', 'give 1 to 50 signals.');
    // A signal to a deployment not on the device yet is recorded and applied when it gets there.
    if (!(ON_DEVICE_STATUSES as readonly string[]).includes(row.status)) {
      throw new DomainError('INVALID_STATE_TRANSITION', `Application instance ${applicationInstanceId} is ${row.status}; only instances being deployed or deployed take signals.`);
    }
    const nodes = new Set((await this.prisma.nodeInstance.findMany({ where: { applicationInstanceId }, select: { nodeInstanceId: true } })).map((n) => n.nodeInstanceId));
    for (const s of signals) {
      if (!nodes.has(s.nodeInstanceId)) throw new DomainError('RESOURCE_NOT_FOUND', `Application instance ${applicationInstanceId} has no node instance ${s.nodeInstanceId} (it has ${[...nodes].join(', ')}).`, { field: 'nodeInstanceId' });
    }
    await this.prisma.$transaction(async (tx) => {
      for (const s of signals) await tx.nodeInstance.update({ where: { applicationInstanceId_nodeInstanceId: { applicationInstanceId, nodeInstanceId: s.nodeInstanceId } }, data: { signal: s.signal } });
      await syncLater(tx, row.defaultRuntimeContextDevice);
      await this.audit.record(tx, principal, { action: 'applicationInstance.signal', targetType: 'ApplicationInstance', targetId: applicationInstanceId, details: { signals } });
    });
    return row;
  }

}

/** Asks the worker to write the device's desired applications state again. */
export function syncLater(tx: Tx, deviceId: string): Promise<void> {
  return outbox.enqueue(tx, 'applications', 'sync-device', [{ payload: { deviceId }, key: `sync-apps-${deviceId}-${randomUUID()}` }]);
}

/**
 * Why a device cannot take one more instance (the replaced one aside), by quota: instances on it,
 * deployments in the last 24 hours, and room in its `applications` shadow (SHADOW_MAX_BYTES of
 * desired and reported state, AWS IoT's 8 KB by default), where a replaced instance keeps its
 * place until its replacement runs.
 */
export async function quotaRefusal(
  tx: Tx,
  config: Config,
  wanted: { deviceId: string; replaced: string | null; graph: ResolvedGraph },
  quotas: { applicationsPerDevice: number; deploymentsPerDevicePerDay: number },
): Promise<DomainError | undefined> {
  const { deviceId, replaced } = wanted;
  const onDevice = await tx.applicationInstance.findMany({
    where: { defaultRuntimeContextDevice: deviceId, status: { in: [...ON_DEVICE_STATUSES] } },
    select: { applicationInstanceId: true, nodeInstances: { select: { nodeInstanceId: true } } },
  });
  const running = onDevice.filter((i) => i.applicationInstanceId !== replaced).length;
  if (running >= quotas.applicationsPerDevice) {
    return new DomainError('QUOTA_EXCEEDED', `Device ${deviceId} runs ${running} application instances; the quota applicationsPerDevice allows ${quotas.applicationsPerDevice}. Remove one or replace it.`, {
      quota: 'applicationsPerDevice',
      limit: quotas.applicationsPerDevice,
    });
  }
  const today = await tx.applicationInstance.count({ where: { defaultRuntimeContextDevice: deviceId, createdAt: { gte: new Date(Date.now() - 86_400_000) } } });
  if (today >= quotas.deploymentsPerDevicePerDay) {
    return new DomainError('QUOTA_EXCEEDED', `Device ${deviceId} had ${today} deployments in the last 24 hours; the quota deploymentsPerDevicePerDay allows ${quotas.deploymentsPerDevicePerDay}.`, {
      quota: 'deploymentsPerDevicePerDay',
      limit: quotas.deploymentsPerDevicePerDay,
    });
  }
  const limit = config.SHADOW_MAX_BYTES;
  const room = limit - applicationsShadowOverhead(longestSignedUrl(config, deploymentSpecsPath(deviceId)));
  const taken = onDevice.reduce((n, i) => n + applicationsShadowFootprint(i.applicationInstanceId, i.nodeInstances.map((ni) => ni.nodeInstanceId)), 0);
  const needed = applicationsShadowFootprint(newApplicationInstanceId(), runningNodes(wanted.graph).map((n) => n.name));
  if (taken + needed > room) {
    return new DomainError(
      'QUOTA_EXCEEDED',
      `Device ${deviceId}'s applications shadow holds ${limit} bytes of desired and reported state (SHADOW_MAX_BYTES; AWS IoT's limit is 8 KB): its ${onDevice.length} application instances can take up to ${taken} bytes and this one, with ${runningNodes(wanted.graph).length} nodes, up to ${needed}, more than the ${room} there is room for. Remove an instance first.`,
      { quota: 'SHADOW_MAX_BYTES', limit },
    );
  }
  return undefined;
}

export interface NewInstance {
  applicationInstanceId: string;
  organizationId: string;
  name: string | null;
  description: string | null;
  defaultRuntimeContextDevice: string;
  manifestPayload: string;
  manifestOverridesPayload: string | null;
  runtimeRoleArn: string | null;
  applicationInstanceIdToReplace: string | null;
  graph: ResolvedGraph;
  tags: Record<string, string>;
  actor: string;
  rolloutId?: string;
  /** A deployment refused before it started (a rollout's device over a quota): recorded as DEPLOYMENT_FAILED with the reason. */
  refusal?: string;
}

/** An instance with its node instances and first event; the worker is asked to deploy it unless it was refused. */
export async function insertInstance(tx: Tx, i: NewInstance): Promise<void> {
  const status = i.refusal ? 'DEPLOYMENT_FAILED' : 'DEPLOYMENT_PENDING';
  const description = i.refusal ?? STATUS_DESCRIPTIONS.scheduled;
  await tx.applicationInstance.create({
    data: {
      applicationInstanceId: i.applicationInstanceId,
      organizationId: i.organizationId,
      name: i.name,
      description: i.description,
      defaultRuntimeContextDevice: i.defaultRuntimeContextDevice,
      manifestPayload: JSON.parse(i.manifestPayload) as object,
      manifestOverridesPayload: i.manifestOverridesPayload ? (JSON.parse(i.manifestOverridesPayload) as object) : Prisma.DbNull,
      runtimeRoleArn: i.runtimeRoleArn,
      applicationInstanceIdToReplace: i.applicationInstanceIdToReplace,
      status,
      statusDescription: description,
      resolvedGraph: i.graph as object,
      tags: i.tags,
      rolloutId: i.rolloutId ?? null,
    },
  });
  await tx.nodeInstance.createMany({ data: nodeInstancesOf(i.applicationInstanceId, i.graph) });
  await tx.applicationInstanceEvent.create({ data: { applicationInstanceId: i.applicationInstanceId, from: null, to: status, actor: i.actor, reason: description } });
  if (!i.refusal) await syncLater(tx, i.defaultRuntimeContextDevice);
}
