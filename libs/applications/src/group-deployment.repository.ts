import { Injectable } from '@nestjs/common';
import { Prisma, Repository, type Tx } from '@edgefleet/db';
import { deploymentWinsOn } from '@edgefleet/devices';
import { type AbortConfig, type MaintenanceWindow, ON_DEVICE_STATUSES, type Waves, decodeCursor } from '@edgefleet/domain';

export type DeploymentRow = Prisma.DeploymentGetPayload<object> & { thingGroupName: string };
export type RevisionRow = Prisma.DeploymentRevisionGetPayload<object>;

/** A deployment that applies on a device, with its current revision. */
export interface WinningDeployment {
  id: string;
  organizationId: string;
  applicationInstanceName: string;
  failureHandling: 'ROLLBACK' | 'DO_NOTHING';
  healthCheckSeconds: number;
  currentRevision: number;
  manifestPayload: string;
  manifestOverridesPayload: string | null;
  softwareVersion: string | null;
  rolloutId: string;
}

/** A member device and the deployment's instances on it: the one running, and the newest attempt at the highest revision. */
export interface DeviceDeploymentRow {
  deviceId: string;
  deviceName: string;
  wins: boolean;
  runningId: string | null;
  runningRevision: number | null;
  runningHealth: string | null;
  latestId: string | null;
  latestRevision: number | null;
  latestStatus: string | null;
  latestDescription: string | null;
  latestRollbackReason: string | null;
}

const ON_DEVICE = Prisma.sql`(${Prisma.join(ON_DEVICE_STATUSES.map((s) => Prisma.sql`${s}::"ApplicationInstanceStatus"`))})`;

/** The SQL of group deployments and their revisions. */
@Injectable()
export class GroupDeploymentRepository extends Repository {
  async insert(tx: Tx, d: Pick<DeploymentRow, 'organizationId' | 'name' | 'groupId' | 'applicationInstanceName' | 'priority' | 'failureHandling' | 'healthCheckSeconds'>): Promise<string> {
    return (await tx.deployment.create({ data: d, select: { id: true } })).id;
  }

  async insertRevision(tx: Tx, r: Omit<RevisionRow, 'createdAt'>): Promise<void> {
    await tx.deploymentRevision.create({ data: r });
    await tx.deployment.update({ where: { id: r.deploymentId }, data: { currentRevision: r.revision } });
  }

  /** The deployment locked for this transaction (one revision or cancel at a time). */
  async lock(tx: Tx, organizationId: string, name: string): Promise<DeploymentRow | undefined> {
    const [row] = await tx.$queryRaw<DeploymentRow[]>`
      SELECT w.*, g.name AS "thingGroupName" FROM "Deployment" w JOIN "ThingGroup" g ON g.id = w."groupId"
      WHERE w."organizationId" = ${organizationId}::uuid AND w.name = ${name} FOR UPDATE OF w`;
    return row;
  }

  async find(organizationId: string, name: string): Promise<DeploymentRow | undefined> {
    const [row] = await this.prisma.$queryRaw<DeploymentRow[]>`
      SELECT w.*, g.name AS "thingGroupName" FROM "Deployment" w JOIN "ThingGroup" g ON g.id = w."groupId"
      WHERE w."organizationId" = ${organizationId}::uuid AND w.name = ${name}`;
    return row;
  }

  page(organizationId: string, args: { first: number; after?: string | null; thingGroupName?: string | null }): Promise<DeploymentRow[]> {
    const where = [Prisma.sql`w."organizationId" = ${organizationId}::uuid`];
    if (args.after) where.push(Prisma.sql`w.name > ${decodeCursor(args.after, 1, 'after')[0]}`);
    if (args.thingGroupName) where.push(Prisma.sql`g.name = ${args.thingGroupName}`);
    return this.prisma.$queryRaw<DeploymentRow[]>`
      SELECT w.*, g.name AS "thingGroupName" FROM "Deployment" w JOIN "ThingGroup" g ON g.id = w."groupId"
      WHERE ${Prisma.join(where, ' AND ')} ORDER BY w.name LIMIT ${args.first + 1}`;
  }

  async nameOf(organizationId: string, id: string): Promise<string | undefined> {
    return (await this.prisma.deployment.findFirst({ where: { id, organizationId }, select: { name: true } }))?.name;
  }

  revisions(deploymentId: string): Promise<RevisionRow[]> {
    return this.prisma.deploymentRevision.findMany({ where: { deploymentId }, orderBy: { revision: 'desc' } });
  }

  revision(tx: Tx, deploymentId: string, revision: number): Promise<RevisionRow | null> {
    return tx.deploymentRevision.findUnique({ where: { deploymentId_revision: { deploymentId, revision } } });
  }

  /** How a revision's rollout was configured (the next revision takes the same by default). */
  async rolloutConfigOf(tx: Tx, rolloutId: string): Promise<{ waves: Waves; abortConfig: AbortConfig | null; maintenanceWindow: MaintenanceWindow | null }> {
    return (await tx.rollout.findUniqueOrThrow({ where: { id: rolloutId }, select: { waves: true, abortConfig: true, maintenanceWindow: true } })) as never;
  }

  async cancel(tx: Tx, id: string): Promise<void> {
    await tx.deployment.update({ where: { id }, data: { status: 'CANCELED', canceledAt: new Date() } });
  }

  /** The deployments that apply on the device (deploymentWinsOn), with their current revisions. */
  winners(tx: Tx, deviceId: string): Promise<WinningDeployment[]> {
    return tx.$queryRaw<WinningDeployment[]>`
      SELECT w.id, w."organizationId", w."applicationInstanceName", w."failureHandling"::text, w."healthCheckSeconds", w."currentRevision",
             r."manifestPayload", r."manifestOverridesPayload", r."softwareVersion", r."rolloutId"
      FROM "Deployment" w JOIN "DeploymentRevision" r ON r."deploymentId" = w.id AND r.revision = w."currentRevision"
      WHERE ${deploymentWinsOn(Prisma.sql`${deviceId}`)}`;
  }

  /** Whether the instance reached DEPLOYMENT_SUCCEEDED within the last `seconds`. */
  async succeededWithin(tx: Tx, applicationInstanceId: string, seconds: number): Promise<boolean> {
    const [row] = await tx.$queryRaw<{ recent: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM "ApplicationInstanceEvent" WHERE "applicationInstanceId" = ${applicationInstanceId} AND "to" = 'DEPLOYMENT_SUCCEEDED'
        AND at > now() - make_interval(secs => ${seconds})) AS recent`;
    return row.recent;
  }

  /** The device's last revision of the deployment below `below` that ran (reached DEPLOYMENT_SUCCEEDED and was not rolled back). */
  async lastGoodRevision(tx: Tx, deploymentId: string, deviceId: string, below: number): Promise<number | undefined> {
    const [row] = await tx.$queryRaw<{ revision: number }[]>`
      SELECT a."deploymentRevision" AS revision FROM "ApplicationInstance" a
      WHERE a."deploymentId" = ${deploymentId}::uuid AND a."defaultRuntimeContextDevice" = ${deviceId} AND a."deploymentRevision" < ${below}
        AND a."rollbackReason" IS NULL
        AND EXISTS (SELECT 1 FROM "ApplicationInstanceEvent" e WHERE e."applicationInstanceId" = a."applicationInstanceId" AND e."to" = 'DEPLOYMENT_SUCCEEDED')
      ORDER BY a."deploymentRevision" DESC LIMIT 1`;
    return row?.revision;
  }

  async markRolledBack(tx: Tx, applicationInstanceId: string, reason: string): Promise<void> {
    await tx.applicationInstance.update({ where: { applicationInstanceId }, data: { rollbackReason: reason, statusDescription: reason } });
  }

  /** Devices where the deployment has an instance on the device. */
  async devicesWithInstances(tx: Tx, deploymentId: string): Promise<string[]> {
    const rows = await tx.$queryRaw<{ deviceId: string }[]>`
      SELECT DISTINCT "defaultRuntimeContextDevice" AS "deviceId" FROM "ApplicationInstance"
      WHERE "deploymentId" = ${deploymentId}::uuid AND status IN ${ON_DEVICE}`;
    return rows.map((r) => r.deviceId);
  }

  /** Per member device of the group (by deviceId, after the cursor's), the deployment's instance running there and its newest attempt. */
  devices(deployment: Pick<DeploymentRow, 'id' | 'groupId'>, args: { first: number; after?: string | null }): Promise<DeviceDeploymentRow[]> {
    const after = args.after ? decodeCursor(args.after, 1, 'after')[0] : '';
    return this.prisma.$queryRaw<DeviceDeploymentRow[]>`
      SELECT m."deviceId", d.name AS "deviceName",
        EXISTS (SELECT 1 FROM "Deployment" w WHERE w.id = ${deployment.id}::uuid AND ${deploymentWinsOn(Prisma.sql`m."deviceId"`)}) AS wins,
        running."applicationInstanceId" AS "runningId", running."deploymentRevision" AS "runningRevision", running."healthStatus"::text AS "runningHealth",
        latest."applicationInstanceId" AS "latestId", latest."deploymentRevision" AS "latestRevision", latest.status::text AS "latestStatus",
        latest."statusDescription" AS "latestDescription", latest."rollbackReason" AS "latestRollbackReason"
      FROM "ThingGroupMember" m JOIN "Device" d ON d."deviceId" = m."deviceId"
      LEFT JOIN LATERAL (SELECT * FROM "ApplicationInstance" a WHERE a."deploymentId" = ${deployment.id}::uuid AND a."defaultRuntimeContextDevice" = m."deviceId"
        AND a.status IN ('DEPLOYMENT_SUCCEEDED', 'DEPLOYMENT_ERROR') ORDER BY a."createdAt" DESC LIMIT 1) running ON true
      LEFT JOIN LATERAL (SELECT * FROM "ApplicationInstance" a WHERE a."deploymentId" = ${deployment.id}::uuid AND a."defaultRuntimeContextDevice" = m."deviceId"
        ORDER BY a."deploymentRevision" DESC, a."createdAt" DESC LIMIT 1) latest ON true
      WHERE m."groupId" = ${deployment.groupId}::uuid AND m."deviceId" > ${after}
      ORDER BY m."deviceId" LIMIT ${args.first + 1}`;
  }
}
