import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CONFIG, type Config } from '@edgefleet/config';
import { type MachineTable, Prisma, PrismaService, Repository, type Tx, transition } from '@edgefleet/db';
import { type DeviceTarget, DeviceRepository, type TargetDevice } from '@edgefleet/devices';
import {
  type AbortConfig,
  type JobTimeouts,
  type MaintenanceWindow,
  type RolloutEvent,
  type RolloutStatus,
  type RolloutTally,
  type Waves,
  rolloutMachine,
} from '@edgefleet/domain';
import { outbox } from '@edgefleet/queue';
import { ACTIVE_JOB_SQL, moveJobs } from './device-job.transitions';
import type { DeploymentConfig } from './rollout-deployments.port';

export interface RolloutRow {
  id: string;
  organizationId: string;
  name: string;
  jobType: 'OTA' | 'REBOOT' | 'DEPLOY_APPLICATION';
  deviceJobConfig: { imageVersion?: string | null; allowMajorVersionUpdate?: boolean | null; deployment?: DeploymentConfig | null };
  target: DeviceTarget;
  waves: Waves;
  abortConfig: AbortConfig | null;
  timeouts: JobTimeouts | null;
  retries: number;
  maintenanceWindow: MaintenanceWindow | null;
  status: RolloutStatus;
  statusReason: string | null;
  currentWave: number;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

export type NewRollout = Pick<RolloutRow, 'organizationId' | 'name' | 'jobType' | 'deviceJobConfig' | 'target' | 'waves' | 'abortConfig' | 'timeouts' | 'retries' | 'maintenanceWindow'>;

/** The tally plus the counts only operators see. */
export type RolloutCounts = RolloutTally & Record<'queued' | 'inProgress' | 'canceled' | 'rejected' | 'offline', number> & { offlineUntil: Date | null };

const ROLLOUTS: MachineTable<RolloutStatus, RolloutEvent> = {
  machine: rolloutMachine,
  table: 'Rollout',
  key: 'id',
  column: 'status',
  enumType: 'RolloutStatus',
  events: { table: 'RolloutEvent', key: 'rolloutId' },
  always: [Prisma.sql`"updatedAt" = now()`],
};

const ENDED_BY: readonly RolloutEvent[] = ['COMPLETE', 'ABORT', 'CANCEL'];

/** The SQL of rollouts. */
@Injectable()
export class RolloutRepository extends Repository {
  constructor(
    prisma: PrismaService,
    @Inject(CONFIG) private readonly config: Config,
    private readonly devices: DeviceRepository,
  ) {
    super(prisma);
  }

  /** The rollout's next devices: provisioned devices its target selects that have no job (or instance) of it yet, by deviceId. */
  nextDevices(tx: Tx, rollout: Pick<RolloutRow, 'id' | 'organizationId' | 'target'>, limit: number): Promise<TargetDevice[]> {
    return this.devices.targets(tx, rollout.organizationId, rollout.target, { notInRollout: rollout.id, limit });
  }

  /** A new rollout with its first event, and the worker asked to advance it. */
  async insert(tx: Tx, r: NewRollout, actor: string): Promise<RolloutRow> {
    const rollout = await tx.rollout.create({
      data: {
        ...r,
        deviceJobConfig: r.deviceJobConfig as object,
        target: r.target as object,
        waves: r.waves as object,
        abortConfig: (r.abortConfig ?? undefined) as object | undefined,
        timeouts: (r.timeouts ?? undefined) as object | undefined,
        maintenanceWindow: (r.maintenanceWindow ?? undefined) as object | undefined,
      },
    });
    await tx.rolloutEvent.create({ data: { rolloutId: rollout.id, from: null, to: 'PENDING', actor } });
    await outbox.enqueue(tx, 'jobs', 'advance-rollout', [{ payload: { rolloutId: rollout.id }, key: `advance-${rollout.id}-created` }]);
    return rollout as unknown as RolloutRow;
  }

  async find(organizationId: string, id: string): Promise<RolloutRow | undefined> {
    return ((await this.prisma.rollout.findFirst({ where: { id, organizationId } })) ?? undefined) as unknown as RolloutRow | undefined;
  }

  async list(organizationId: string, limit: number): Promise<RolloutRow[]> {
    return (await this.prisma.rollout.findMany({ where: { organizationId }, orderBy: { createdAt: 'desc' }, take: limit })) as unknown as RolloutRow[];
  }

  /** A rollout's step may create a large wave: its transactions get two minutes. */
  override transaction<T>(fn: (tx: Tx) => Promise<T>, timeoutMs = 120_000): Promise<T> {
    return super.transaction(fn, timeoutMs);
  }

  /** Any organization's rollout (the worker's, and progress readers'). */
  async byId(id: string): Promise<RolloutRow> {
    return (await this.prisma.rollout.findUniqueOrThrow({ where: { id } })) as unknown as RolloutRow;
  }

  /** The id of the organization's thing group of this name, if any. */
  async groupId(organizationId: string, name: string, tx?: Tx): Promise<string | undefined> {
    return (await (tx ?? this.prisma).thingGroup.findUnique({ where: { organizationId_name: { organizationId, name } }, select: { id: true } }))?.id;
  }

  /** The organization's software image of this version, if any. */
  image(organizationId: string, version: string, tx?: Tx) {
    return (tx ?? this.prisma).softwareImage.findUnique({ where: { organizationId_version: { organizationId, version } } });
  }

  /** The rollout locked for this transaction, or undefined when another worker holds it right now. */
  async lockForAdvance(tx: Tx, id: string): Promise<RolloutRow | undefined> {
    const [row] = await tx.$queryRaw<RolloutRow[]>`SELECT * FROM "Rollout" WHERE id = ${id}::uuid FOR UPDATE SKIP LOCKED`;
    return row;
  }

  /** Rollouts the worker should advance. */
  async activeIds(): Promise<string[]> {
    const rows = await this.prisma.rollout.findMany({ where: { status: { in: ['PENDING', 'IN_PROGRESS'] } }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  /** The rollout's status change (compare-and-set through its machine), with its event row: the status it left, or undefined. */
  async move(tx: Tx, id: string, event: RolloutEvent, actor: string, reason: string | null, from?: RolloutStatus): Promise<RolloutStatus | undefined> {
    const set = [Prisma.sql`"statusReason" = ${reason}`];
    if (event === 'START') set.push(Prisma.sql`"startedAt" = now()`);
    if (ENDED_BY.includes(event)) set.push(Prisma.sql`"completedAt" = now()`);
    const where = from ? Prisma.sql`t.id = ${id}::uuid AND t.status = ${from}::"RolloutStatus"` : Prisma.sql`t.id = ${id}::uuid`;
    const [moved] = await transition(tx, ROLLOUTS, { event, where, actor, reason, set });
    return moved?.from;
  }

  async status(tx: Tx, id: string): Promise<RolloutStatus> {
    return (await tx.rollout.findUniqueOrThrow({ where: { id }, select: { status: true } })).status as RolloutStatus;
  }

  async setWave(tx: Tx, id: string, wave: number): Promise<void> {
    await tx.rollout.update({ where: { id }, data: { currentWave: wave } });
  }

  /** Cancels the rollout's queued jobs, set-based, with their events and device notifications. */
  async cancelQueued(tx: Tx, rolloutId: string, actor: string, reason: string): Promise<void> {
    await moveJobs(tx, this.config, { event: 'CANCEL', where: Prisma.sql`t."rolloutId" = ${rolloutId}::uuid`, actor, reason, notifyKey: `notify-cancel-${rolloutId}-${randomUUID()}` });
  }

  async counts(db: Tx | undefined, rolloutId: string, now?: Date): Promise<RolloutCounts> {
    const offline = Prisma.sql`(j.status = 'PENDING' AND d."deviceConnectionStatus" <> 'ONLINE')`;
    const [t] = await (db ?? this.prisma).$queryRaw<RolloutCounts[]>`
      SELECT count(*)::int AS total,
        count(*) FILTER (WHERE j.status = 'PENDING')::int AS queued,
        count(*) FILTER (WHERE j.status IN ('IN_PROGRESS', 'DOWNLOADING', 'VERIFYING', 'REBOOTING'))::int AS "inProgress",
        count(*) FILTER (WHERE j.status = 'COMPLETED')::int AS succeeded,
        count(*) FILTER (WHERE j.status = 'FAILED')::int AS failed,
        count(*) FILTER (WHERE j.status = 'TIMED_OUT')::int AS "timedOut",
        count(*) FILTER (WHERE j.status = 'CANCELED')::int AS canceled,
        count(*) FILTER (WHERE j.status = 'REJECTED')::int AS rejected,
        count(*) FILTER (WHERE ${offline})::int AS offline,
        max(j."timeoutAt") FILTER (WHERE ${offline}) AS "offlineUntil",
        count(*) FILTER (WHERE j.status IN ${ACTIVE_JOB_SQL})::int AS active,
        count(*) FILTER (WHERE j.status IN ${ACTIVE_JOB_SQL} AND NOT ${offline})::int AS unsettled,
        count(*) FILTER (WHERE j."createdAt" > ${now ? Prisma.sql`${now}::timestamptz` : Prisma.sql`now()`} - interval '1 minute')::int AS "createdLastMinute"
      FROM (
        SELECT j.status, j."createdAt", j."deviceId", j."timeoutAt" FROM "DeviceJob" j WHERE j."rolloutId" = ${rolloutId}::uuid
        UNION ALL
        -- A deployment rollout's application instances, counted as its jobs.
        -- One a group deployment rolled back (its health failed after it started) counts as failed.
        SELECT (CASE WHEN a."rollbackReason" IS NOT NULL THEN 'FAILED'
          WHEN a.status IN ('DEPLOYMENT_PENDING', 'DEPLOYMENT_REQUESTED') THEN 'PENDING'
          WHEN a.status = 'DEPLOYMENT_IN_PROGRESS' THEN 'IN_PROGRESS'
          WHEN a.status = 'DEPLOYMENT_SUCCEEDED' THEN 'COMPLETED'
          WHEN a.status IN ('DEPLOYMENT_FAILED', 'DEPLOYMENT_ERROR') THEN 'FAILED'
          ELSE 'CANCELED' END)::"DeviceJobStatus", a."createdAt", a."defaultRuntimeContextDevice", a."timeoutAt"
        FROM "ApplicationInstance" a WHERE a."rolloutId" = ${rolloutId}::uuid
      ) j JOIN "Device" d ON d."deviceId" = j."deviceId"`;
    return t;
  }
}
