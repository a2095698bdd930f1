import type { Config } from '@edgefleet/config';
import { Prisma, type PrismaService, type Tx } from '@edgefleet/db';
import { ACTIVE_JOB_STATUSES, type DeviceJobStatus, type JobExecutionStatus, timeoutStepOf } from '@edgefleet/domain';
import { OUTBOX_CHANNEL, type OutboxMessageData, outboxMessage } from '@edgefleet/queue';

type Db = PrismaService | Tx;

/** Notifications carry at most this many devices each. */
export const NOTIFY_BATCH = 500;

const ACTIVE = Prisma.join(ACTIVE_JOB_STATUSES.map((s) => Prisma.sql`${s}::"DeviceJobStatus"`));
export const ACTIVE_JOB_SQL = Prisma.sql`(${ACTIVE})`;

/** `now() + <the job's timeout for the step of this status>` (the job's own override, else configuration), or NULL. */
export function timeoutAtSql(config: Config, status: DeviceJobStatus): Prisma.Sql {
  const at = (key: string, fallback: number) => Prisma.sql`now() + make_interval(secs => COALESCE((j."timeouts"->>${key})::int, ${fallback}))`;
  switch (timeoutStepOf(status)) {
    case 'queued':
      return at('queuedSeconds', config.JOB_QUEUED_TIMEOUT_SECONDS);
    case 'inProgress':
      return at('inProgressSeconds', config.JOB_IN_PROGRESS_TIMEOUT_SECONDS);
    case 'rebooting':
      return at('rebootingSeconds', config.JOB_REBOOTING_TIMEOUT_SECONDS);
    default:
      return Prisma.sql`NULL`;
  }
}

/**
 * The `ob` step of a statement whose `moved` step returns moved jobs' "deviceId": outbox rows
 * telling those devices their next job, NOTIFY_BATCH devices each, with keys `<key>-<batch>`.
 */
export const notifyMovedSql = (key: string) => Prisma.sql`ob AS (
  INSERT INTO "OutboxMessage" (queue, "jobName", payload, "idempotencyKey")
  SELECT 'jobs', 'notify-devices', jsonb_build_object('deviceIds', jsonb_agg("deviceId")), ${key} || '-' || batch
  FROM (SELECT "deviceId", (row_number() OVER () - 1) / ${NOTIFY_BATCH} AS batch FROM moved) n GROUP BY batch
)`;

export interface JobMove {
  to: DeviceJobStatus;
  executionStatus: JobExecutionStatus;
  actor: string;
  reason?: string | null;
  /** Further `column = value` assignments. */
  set?: Prisma.Sql[];
  /** The device's own step timeout (stepTimeoutInMinutes), instead of the configured one. */
  timeoutMinutes?: number;
  /** Tell the device its next job afterwards (the job ended, or went back to the queue). */
  notify?: boolean;
}

/** The moved job as it is now: enough to answer the device without reading it again. */
export interface MovedJob {
  jobId: string;
  deviceId: string;
  rolloutId: string | null;
  status: DeviceJobStatus;
  attempts: number;
  executionStatus: JobExecutionStatus;
  statusDetails: unknown;
  executionNumber: number;
  versionNumber: number;
  startedAt: Date | null;
  updatedAt: Date;
}

/**
 * Compare-and-set of one job: it moves only if it is still at `from` and `version`;
 * the event row (when the status changes) and the device notification go in the same statement.
 */
export async function moveJob(db: Db, config: Config, job: { jobId: string; status: DeviceJobStatus; versionNumber: number }, m: JobMove): Promise<MovedJob | undefined> {
  const terminal = !ACTIVE_JOB_STATUSES.includes(m.to);
  const sets = [
    Prisma.sql`status = ${m.to}::"DeviceJobStatus"`,
    Prisma.sql`"executionStatus" = ${m.executionStatus}::"JobExecutionStatus"`,
    Prisma.sql`"versionNumber" = j."versionNumber" + 1`,
    Prisma.sql`"updatedAt" = now()`,
    ...(m.timeoutMinutes && ACTIVE_JOB_STATUSES.includes(m.to)
      ? [Prisma.sql`"timeoutAt" = now() + make_interval(mins => ${m.timeoutMinutes})`]
      : m.to !== job.status
        ? [Prisma.sql`"timeoutAt" = ${timeoutAtSql(config, m.to)}`]
        : []),
    ...(m.reason !== undefined ? [Prisma.sql`"statusReason" = ${m.reason}`] : []),
    ...(terminal ? [Prisma.sql`"completedAt" = now()`] : []),
    ...(m.set ?? []),
  ];
  const [moved] = await db.$queryRaw<MovedJob[]>`
    WITH moved AS (
      UPDATE "DeviceJob" j SET ${Prisma.join(sets)}
      WHERE j."jobId" = ${job.jobId} AND j."versionNumber" = ${job.versionNumber} AND j.status = ${job.status}::"DeviceJobStatus"
      RETURNING j."jobId", j."deviceId", j."rolloutId"::text AS "rolloutId", j.status::text AS status, j.attempts, j."executionStatus"::text AS "executionStatus",
        j."statusDetails", j."executionNumber", j."versionNumber", j."startedAt", j."updatedAt"
    ), ev AS (
      INSERT INTO "DeviceJobEvent" ("jobId", "from", "to", actor, reason)
      SELECT "jobId", ${job.status}, ${m.to}, ${m.actor}, ${m.reason ?? null} FROM moved WHERE ${job.status} <> ${m.to}
    ), ob AS (
      INSERT INTO "OutboxMessage" (queue, "jobName", payload, "idempotencyKey")
      SELECT 'jobs', 'notify-devices', jsonb_build_object('deviceIds', jsonb_build_array("deviceId")), 'notify-' || "jobId" || '-v' || "versionNumber"
      FROM moved WHERE ${m.notify === true}
    )
    SELECT * FROM moved`;
  if (moved && m.notify) await db.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
  return moved;
}

/** Outbox rows telling these devices their next job, in batches. */
export function notifyRows(deviceIds: string[], key: string): OutboxMessageData[] {
  const rows: OutboxMessageData[] = [];
  for (let i = 0; i < deviceIds.length; i += NOTIFY_BATCH) {
    rows.push(outboxMessage('jobs', 'notify-devices', { deviceIds: deviceIds.slice(i, i + NOTIFY_BATCH) }, `${key}-${i / NOTIFY_BATCH}`));
  }
  return rows;
}
