import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { Prisma, PrismaService, Repository, type Tx } from '@edgefleet/db';
import { type DeviceJobStatus, type JobRequest, type JobTarget, type JobTimeouts, cursorTimestamp, decodeCursor } from '@edgefleet/domain';
import { ACTIVE_JOB_SQL, type JobChange, type MovedJob, type Sweep, moveJob, notifyDevices, sweepJobs, timeoutAtSql } from './device-job.transitions';
import { EXECUTION_COLUMNS, type ExecutionRow, IMAGE_JOIN } from './job-execution.view';

/** A job as the device API reads it. */
export interface JobRow extends ExecutionRow {
  status: DeviceJobStatus;
  organizationId: string;
  rolloutId: string | null;
  attempts: number;
  maxAttempts: number;
}

/** A job as operators read it (DescribeDeviceJob), before its ARN and timeline are added. */
export interface JobViewRow {
  jobId: string;
  deviceId: string;
  deviceName: string;
  deviceType: string;
  jobType: JobRequest['jobType'];
  imageVersion: string | null;
  status: DeviceJobStatus;
  executionStatus: string;
  statusDetails: unknown;
  statusReason: string | null;
  attempts: number;
  executionNumber: number;
  rolloutId: string | null;
  createdTime: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  timeoutAt: Date | null;
  accountId: string;
}

export interface NewJob {
  jobId: string;
  deviceId: string;
  /** Why the device is not eligible: the job is recorded REJECTED. */
  refusal?: string;
}

const PENDING_EXECUTION = Prisma.sql`j."executionStatus" IN ('QUEUED'::"JobExecutionStatus", 'IN_PROGRESS'::"JobExecutionStatus")`;
/** AWS IoT's order of pending executions: in progress first, then by queue time. */
const NEXT_ORDER = Prisma.sql`(j."executionStatus" = 'IN_PROGRESS') DESC, j."createdAt", j."jobId"`;

/** The SQL of device jobs (their status changes are in device-job.transitions.ts). */
@Injectable()
export class DeviceJobRepository extends Repository {
  constructor(
    prisma: PrismaService,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    super(prisma);
  }

  /**
   * The sweeps of job executions, set-based in one transaction (rows claimed with SKIP LOCKED, so
   * several workers can sweep at once): `complete` (devices came back after their reboot) or
   * `timeOut` (past their step's deadline).
   */
  sweep(kind: Sweep, notifyKey: string) {
    return this.transaction((tx) => sweepJobs(tx, this.config, kind, notifyKey));
  }

  /** One job's compare-and-set (see moveJob). */
  move(job: { jobId: string; status: DeviceJobStatus; versionNumber: number }, m: JobChange, tx?: Tx): Promise<MovedJob | undefined> {
    return moveJob(tx ?? this.prisma, this.config, job, m);
  }

  /** The devices, locked: two requests for the same device run one after the other, so the active-OTA rule holds. */
  lockDevices(tx: Tx, organizationId: string, deviceIds: string[]): Promise<(JobTarget & { nextJobNumber: number })[]> {
    return tx.$queryRaw`
      SELECT "deviceId", "provisioningStatus"::text AS "provisioningStatus", "currentSoftware", "nextJobNumber" FROM "Device"
      WHERE "organizationId" = ${organizationId}::uuid AND "deviceId" = ANY(${deviceIds}) ORDER BY "deviceId" FOR UPDATE`;
  }

  /** deviceId → its active OTA job. */
  async activeOtaJobs(tx: Tx, deviceIds: string[]): Promise<Map<string, string>> {
    const busy = await tx.$queryRaw<{ deviceId: string; jobId: string }[]>`
      SELECT DISTINCT ON ("deviceId") "deviceId", "jobId" FROM "DeviceJob"
      WHERE "deviceId" = ANY(${deviceIds}) AND "jobType" = 'OTA' AND status IN ${ACTIVE_JOB_SQL}`;
    return new Map(busy.map((b) => [b.deviceId, b.jobId]));
  }

  /** The jobs with their first event rows, their queued deadline, and their devices told. */
  async insert(
    tx: Tx,
    organizationId: string,
    jobs: NewJob[],
    request: JobRequest,
    opts: { rolloutId?: string; maxAttempts?: number; timeouts?: JobTimeouts | null; actor: string; now: Date },
  ): Promise<void> {
    const { now } = opts;
    await tx.$executeRaw`UPDATE "Device" SET "nextJobNumber" = "nextJobNumber" + 1 WHERE "deviceId" = ANY(${jobs.map((j) => j.deviceId)})`;
    await tx.deviceJob.createMany({
      data: jobs.map((r) => ({
        jobId: r.jobId,
        organizationId,
        deviceId: r.deviceId,
        rolloutId: opts.rolloutId ?? null,
        jobType: request.jobType,
        imageVersion: request.jobType === 'OTA' ? request.imageVersion! : null,
        allowMajorVersionUpdate: request.allowMajorVersionUpdate ?? false,
        maxAttempts: opts.maxAttempts ?? 1,
        timeouts: (opts.timeouts ?? {}) as object,
        ...(r.refusal ? { status: 'REJECTED' as const, executionStatus: 'REJECTED' as const, statusReason: r.refusal, completedAt: now } : {}),
        createdAt: now,
      })),
    });
    const queued = jobs.filter((r) => !r.refusal);
    if (queued.length) {
      await tx.$executeRaw`UPDATE "DeviceJob" j SET "timeoutAt" = ${timeoutAtSql(this.config, 'PENDING', 'j')} WHERE j."jobId" = ANY(${queued.map((r) => r.jobId)})`;
    }
    await tx.deviceJobEvent.createMany({
      data: jobs.map((r) => ({ jobId: r.jobId, from: null, to: r.refusal ? 'REJECTED' : 'PENDING', actor: opts.actor, reason: r.refusal ?? null, at: now })),
    });
    await notifyDevices(tx, queued.map((r) => r.deviceId), `notify-created-${jobs[0].jobId}`);
  }

  /** The organization's software image of this version, if any. */
  image(tx: Tx, organizationId: string, version: string) {
    return tx.softwareImage.findUnique({ where: { organizationId_version: { organizationId, version } } });
  }

  async versionOf(jobId: string): Promise<number> {
    return (await this.prisma.deviceJob.findUniqueOrThrow({ where: { jobId }, select: { versionNumber: true } })).versionNumber;
  }

  /** Jobs of an organization, newest first: one, or a device's (or all), keyset-paginated on (createdAt, jobId). */
  views(organizationId: string, select: { jobId: string } | { deviceId?: string | null; after?: string | null }, limit: number): Promise<JobViewRow[]> {
    const where = [Prisma.sql`TRUE`];
    if ('jobId' in select) where.push(Prisma.sql`j."jobId" = ${select.jobId}`);
    else {
      if (select.deviceId) where.push(Prisma.sql`j."deviceId" = ${select.deviceId}`);
      if (select.after) {
        const [at, id] = decodeCursor(select.after, 2, 'after');
        where.push(Prisma.sql`(j."createdAt", j."jobId") < (${cursorTimestamp(at, 'after')}::timestamp, ${id})`);
      }
    }
    return this.prisma.$queryRaw<JobViewRow[]>`
      SELECT j."jobId", j."deviceId", d.name AS "deviceName", d.type::text AS "deviceType", j."jobType"::text AS "jobType", j."imageVersion",
             j.status::text AS status, j."executionStatus"::text AS "executionStatus", j."statusDetails", j."statusReason",
             j.attempts, j."executionNumber", j."rolloutId"::text AS "rolloutId", j."createdAt" AS "createdTime",
             j."startedAt", j."completedAt", j."timeoutAt", o."accountId"
      FROM "DeviceJob" j JOIN "Device" d ON d."deviceId" = j."deviceId" JOIN "Organization" o ON o.id = j."organizationId"
      WHERE j."organizationId" = ${organizationId}::uuid AND ${Prisma.join(where, ' AND ')}
      ORDER BY j."createdAt" DESC, j."jobId" DESC LIMIT ${limit}`;
  }

  timeline(jobIds: string[]) {
    return this.prisma.deviceJobEvent.findMany({ where: { jobId: { in: jobIds } }, orderBy: { id: 'asc' } });
  }

  /** A device's jobs for the device API, next first. */
  private executions(where: Prisma.Sql, limit: number): Promise<JobRow[]> {
    return this.prisma.$queryRaw<JobRow[]>`
      SELECT ${Prisma.raw(EXECUTION_COLUMNS)}, j.status::text AS status, j."organizationId"::text AS "organizationId",
             j."rolloutId"::text AS "rolloutId", j.attempts, j."maxAttempts"
      FROM "DeviceJob" j ${Prisma.raw(IMAGE_JOIN)}
      WHERE ${where} ORDER BY ${NEXT_ORDER} LIMIT ${limit}`;
  }

  /** The device's own job (any other reads as not found: a device learns nothing about other devices). */
  async ownExecution(thingName: string, jobId: string): Promise<JobRow | undefined> {
    return (await this.executions(Prisma.sql`j."jobId" = ${jobId} AND j."deviceId" = ${thingName}`, 1))[0];
  }

  /** A device's pending executions (queued or in progress), next first. */
  pending(thingName: string, limit: number): Promise<JobRow[]> {
    return this.executions(Prisma.sql`j."deviceId" = ${thingName} AND ${PENDING_EXECUTION}`, limit);
  }

  /** The next pending execution of each device. */
  nextOf(deviceIds: string[]): Promise<JobRow[]> {
    return this.prisma.$queryRaw<JobRow[]>`
      SELECT DISTINCT ON (j."deviceId") ${Prisma.raw(EXECUTION_COLUMNS)}
      FROM "DeviceJob" j ${Prisma.raw(IMAGE_JOIN)}
      WHERE j."deviceId" = ANY(${deviceIds}) AND ${PENDING_EXECUTION}
      ORDER BY j."deviceId", ${NEXT_ORDER}`;
  }

  async canceledSince(deviceIds: string[], since: Date): Promise<{ jobId: string; reason: string | null }[]> {
    const jobs = await this.prisma.deviceJob.findMany({ where: { deviceId: { in: deviceIds }, status: 'CANCELED', updatedAt: { gt: since } }, select: { jobId: true, statusReason: true } });
    return jobs.map((j) => ({ jobId: j.jobId, reason: j.statusReason }));
  }

  async connectionSession(thingName: string): Promise<string | undefined> {
    return (await this.prisma.device.findUnique({ where: { deviceId: thingName }, select: { connectionSession: true } }))?.connectionSession ?? undefined;
  }
}
