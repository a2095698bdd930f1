import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CONFIG, type Config } from '@edgefleet/config';
import { Prisma, PrismaService, Repository, type Tx } from '@edgefleet/db';
import {
  type ApplicationHealthStatus,
  type ApplicationInstanceStatus,
  IN_DESIRED_STATE_STATUSES,
  type NodeInstanceStatus,
  type NodeSignal,
  ON_DEVICE_STATUSES,
  type ResolvedGraph,
  SETTLED_STATUSES,
  STATUS_DESCRIPTIONS,
  cursorTimestamp,
  decodeCursor,
  nodeIdOf,
} from '@edgefleet/domain';
import { outbox } from '@edgefleet/queue';
import { type InstanceMove, type InstanceSelection, type MovedInstance, moveInstances, withdrawInstances } from './application-instance.transitions';

export type ApplicationInstanceRow = Prisma.ApplicationInstanceGetPayload<object>;
export type NodeInstanceRow = Prisma.NodeInstanceGetPayload<object>;
export type InstanceWithNodes = ApplicationInstanceRow & { nodeInstances: NodeInstanceRow[] };

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
  rolloutId?: string | null;
  /** The group deployment and revision it belongs to. */
  deploymentId?: string | null;
  deploymentRevision?: number | null;
  /** The software its device must run before it is deployed (it waits as DEPLOYMENT_PENDING until then, at most `waitUntil`). */
  requiredSoftware?: string | null;
  waitUntil?: Date | null;
  /** A deployment refused before it started (a rollout's device over a quota): recorded as DEPLOYMENT_FAILED with the reason. */
  refusal?: string;
}

/** The nodes a graph runs: every node but parameters. */
export const runningNodes = (graph: ResolvedGraph) => graph.nodes.filter((n) => n.category !== 'parameter');

/** The node instances of a resolved graph; nodes launched onSignal start paused. */
function nodeInstancesOf(applicationInstanceId: string, graph: ResolvedGraph): Prisma.NodeInstanceCreateManyInput[] {
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

/** The SQL of application instances and their node instances (their status changes are in application-instance.transitions.ts). */
@Injectable()
export class ApplicationInstanceRepository extends Repository {
  constructor(
    prisma: PrismaService,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    super(prisma);
  }

  /** One deployment at a time per device (its row locked), so the per-device quotas hold under concurrency. */
  async lockDevice(tx: Tx, deviceId: string): Promise<void> {
    await tx.$executeRaw`SELECT 1 FROM "Device" WHERE "deviceId" = ${deviceId} FOR UPDATE`;
  }

  /** An instance with its node instances and first event; the worker is asked to deploy it unless it was refused. */
  async insert(tx: Tx, i: NewInstance): Promise<void> {
    const status = i.refusal ? 'DEPLOYMENT_FAILED' : 'DEPLOYMENT_PENDING';
    const description = i.refusal ?? (i.requiredSoftware ? `Waiting for the device to run software ${i.requiredSoftware} first (an OTA job updates it).` : STATUS_DESCRIPTIONS.scheduled);
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
        deploymentId: i.deploymentId ?? null,
        deploymentRevision: i.deploymentRevision ?? null,
        requiredSoftware: i.requiredSoftware ?? null,
        timeoutAt: i.waitUntil ?? null,
      },
    });
    await tx.nodeInstance.createMany({ data: nodeInstancesOf(i.applicationInstanceId, i.graph) });
    await tx.applicationInstanceEvent.create({ data: { applicationInstanceId: i.applicationInstanceId, from: null, to: status, actor: i.actor, reason: description } });
    if (!i.refusal) await this.syncLater(tx, i.defaultRuntimeContextDevice);
  }

  /** The software the device reports running. */
  async softwareOf(db: Tx | undefined, deviceId: string): Promise<string | null> {
    return (await (db ?? this.prisma).device.findUnique({ where: { deviceId }, select: { currentSoftware: true } }))?.currentSoftware ?? null;
  }

  /** Whether the device has an instance of the rollout on it (or on its way) already. */
  async ofRollout(tx: Tx, rolloutId: string, deviceId: string): Promise<boolean> {
    return (await tx.applicationInstance.count({ where: { rolloutId, defaultRuntimeContextDevice: deviceId, status: { in: [...ON_DEVICE_STATUSES] } } })) > 0;
  }

  /** Asks the worker to write the device's desired applications state again. */
  syncLater(tx: Tx, deviceId: string): Promise<void> {
    return outbox.enqueue(tx, 'applications', 'sync-device', [{ payload: { deviceId }, key: `sync-apps-${deviceId}-${randomUUID()}` }]);
  }

  find(organizationId: string, applicationInstanceId: string): Promise<ApplicationInstanceRow | null> {
    return this.prisma.applicationInstance.findFirst({ where: { applicationInstanceId, organizationId } });
  }

  /** Newest first, keyset-paginated on (createdAt, id); a status filter in Panorama's terms (PROCESSING_… are several statuses). */
  page(organizationId: string, args: { deviceId?: string | null; statuses?: string[] | null; first: number; after?: string | null }): Promise<ApplicationInstanceRow[]> {
    const where = [Prisma.sql`"organizationId" = ${organizationId}::uuid`];
    if (args.deviceId) where.push(Prisma.sql`"defaultRuntimeContextDevice" = ${args.deviceId}`);
    if (args.statuses) where.push(Prisma.sql`status::text IN (${Prisma.join(args.statuses)})`);
    if (args.after) {
      const [at, id] = decodeCursor(args.after, 2, 'after');
      where.push(Prisma.sql`("createdAt", "applicationInstanceId") < (${cursorTimestamp(at, 'after')}::timestamp, ${id})`);
    }
    return this.prisma.$queryRaw<ApplicationInstanceRow[]>`
      SELECT * FROM "ApplicationInstance" WHERE ${Prisma.join(where, ' AND ')} ORDER BY "createdAt" DESC, "applicationInstanceId" DESC LIMIT ${args.first + 1}`;
  }

  /** Instances of these ids on the device (any status). */
  ofDevice(deviceId: string, applicationInstanceIds: string[]): Promise<ApplicationInstanceRow[]> {
    return this.prisma.applicationInstance.findMany({ where: { defaultRuntimeContextDevice: deviceId, applicationInstanceId: { in: applicationInstanceIds } } });
  }

  /** The device's instances in these statuses (on the device, by default), but the ones excluded, with their node instances. */
  onDevice(deviceId: string, opts: { statuses?: readonly ApplicationInstanceStatus[]; except?: string[]; tx?: Tx } = {}): Promise<InstanceWithNodes[]> {
    return (opts.tx ?? this.prisma).applicationInstance.findMany({
      where: { defaultRuntimeContextDevice: deviceId, status: { in: [...(opts.statuses ?? ON_DEVICE_STATUSES)] }, ...(opts.except?.length ? { applicationInstanceId: { notIn: opts.except } } : {}) },
      include: { nodeInstances: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** An instance the device's desired state names, with its node instances. */
  inDesiredState(deviceId: string, applicationInstanceId: string): Promise<InstanceWithNodes | null> {
    return this.prisma.applicationInstance.findFirst({
      where: { applicationInstanceId, defaultRuntimeContextDevice: deviceId, status: { in: [...IN_DESIRED_STATE_STATUSES] } },
      include: { nodeInstances: true },
    });
  }

  /**
   * The role alias an instance's runtimeRoleArn names: a role alias ARN names it, an IAM role ARN
   * the organization's alias for that role (the first by name). Null when there is none (yet).
   */
  async roleAliasFor(organizationId: string, runtimeRoleArn: string): Promise<string | null> {
    const alias = /^arn:aws[a-z-]*:iot:[^:]*:\d{12}:rolealias\/(.+)$/.exec(runtimeRoleArn)?.[1];
    const row = await this.prisma.roleAlias.findFirst({
      where: { organizationId, ...(alias ? { roleAlias: alias } : { roleArn: runtimeRoleArn }) },
      orderBy: { roleAlias: 'asc' },
      select: { roleAlias: true },
    });
    return row?.roleAlias ?? null;
  }

  /** Deployments to the device in the window since `since`. */
  createdSince(tx: Tx, deviceId: string, since: Date): Promise<number> {
    return tx.applicationInstance.count({ where: { defaultRuntimeContextDevice: deviceId, createdAt: { gte: since } } });
  }

  nodeInstances(applicationInstanceId: string): Promise<NodeInstanceRow[]> {
    return this.prisma.nodeInstance.findMany({ where: { applicationInstanceId }, orderBy: { nodeInstanceId: 'asc' } });
  }

  async setSignals(tx: Tx, applicationInstanceId: string, signals: { nodeInstanceId: string; signal: NodeSignal }[]): Promise<void> {
    for (const s of signals) await tx.nodeInstance.update({ where: { applicationInstanceId_nodeInstanceId: { applicationInstanceId, nodeInstanceId: s.nodeInstanceId } }, data: { signal: s.signal } });
  }

  /** The node instances of the graph as it resolves now (a newer latest patch, say). */
  async replaceNodeInstances(tx: Tx, applicationInstanceId: string, graph: ResolvedGraph): Promise<void> {
    await tx.nodeInstance.deleteMany({ where: { applicationInstanceId } });
    await tx.nodeInstance.createMany({ data: nodeInstancesOf(applicationInstanceId, graph) });
  }

  /** Every how many seconds the device sends the last output frame; off (0) also forgets the frame it sent. */
  async setSnapshotInterval(tx: Tx, applicationInstanceId: string, seconds: number): Promise<void> {
    await tx.applicationInstance.update({ where: { applicationInstanceId }, data: { snapshotIntervalSeconds: seconds } });
    if (seconds === 0) await tx.applicationFrame.deleteMany({ where: { applicationInstanceId } });
  }

  /** The last output frame a device sent of the instance: it replaces the one before. */
  async saveFrame(frame: { applicationInstanceId: string; streamId: string; capturedAt: Date; labels: string[]; jpeg: Uint8Array<ArrayBuffer> }): Promise<void> {
    const { applicationInstanceId, ...data } = frame;
    await this.prisma.applicationFrame.upsert({ where: { applicationInstanceId }, create: frame, update: data });
  }

  lastFrame(applicationInstanceId: string) {
    return this.prisma.applicationFrame.findUnique({ where: { applicationInstanceId } });
  }

  async describe(tx: Tx, applicationInstanceId: string, statusDescription: string): Promise<void> {
    await tx.applicationInstance.updateMany({ where: { applicationInstanceId }, data: { statusDescription } });
  }

  async setHealth(tx: Tx, applicationInstanceId: string, healthStatus: ApplicationHealthStatus): Promise<void> {
    await tx.applicationInstance.updateMany({ where: { applicationInstanceId, healthStatus: { not: healthStatus } }, data: { healthStatus } });
  }

  async setNodeStatus(tx: Tx, applicationInstanceId: string, nodeInstanceId: string, currentStatus: NodeInstanceStatus, statusReason: string | null): Promise<void> {
    await tx.nodeInstance.updateMany({ where: { applicationInstanceId, nodeInstanceId }, data: { currentStatus, statusReason } });
  }

  /** Of these instances, those the device's rows are not done with (not settled). */
  async unsettled(tx: Tx, deviceId: string, applicationInstanceIds: string[]): Promise<Set<string>> {
    const open = await tx.applicationInstance.findMany({
      where: { applicationInstanceId: { in: applicationInstanceIds }, defaultRuntimeContextDevice: deviceId, status: { notIn: [...SETTLED_STATUSES] } },
      select: { applicationInstanceId: true },
    });
    return new Set(open.map((i) => i.applicationInstanceId));
  }

  move(db: Tx | undefined, m: InstanceMove): Promise<MovedInstance[]> {
    return moveInstances(db ?? this.prisma, this.config, m);
  }

  withdraw(tx: Tx, select: InstanceSelection, actor: string, description: string): Promise<MovedInstance[]> {
    return withdrawInstances(tx, this.config, select, actor, description);
  }
}
