import type { Config } from '@edgefleet/config';
import { type MachineTable, Prisma, type PrismaService, type Tx, caseOf, transition } from '@edgefleet/db';
import {
  ACTIVE_JOB_STATUSES,
  DEVICE_JOB_STATUSES,
  type DeviceJobEvent,
  type DeviceJobStatus,
  type JobExecutionStatus,
  deviceJobMachine,
  executionStatusOf,
  timeoutStepOf,
} from '@edgefleet/domain';
import { outbox } from '@edgefleet/queue';

type Db = PrismaService | Tx;

/** Notifications carry at most this many devices each. */
export const NOTIFY_BATCH = 500;

const ACTIVE = Prisma.join(ACTIVE_JOB_STATUSES.map((s) => Prisma.sql`${s}::"DeviceJobStatus"`));
export const ACTIVE_JOB_SQL = Prisma.sql`(${ACTIVE})`;

/** The retry rule, once: an attempt the device had started, with attempts left, goes back to the queue as a new execution. */
export const RETRYABLE_SQL = Prisma.sql`(t.status <> 'PENDING' AND t.attempts < t."maxAttempts")`;

const JOBS: MachineTable<DeviceJobStatus, DeviceJobEvent> = {
  machine: deviceJobMachine,
  table: 'DeviceJob',
  key: 'jobId',
  column: 'status',
  enumType: 'DeviceJobStatus',
  events: { table: 'DeviceJobEvent', key: 'jobId' },
  always: [Prisma.sql`"versionNumber" = t."versionNumber" + 1`, Prisma.sql`"updatedAt" = now()`],
};

/** `now() + <the job's timeout for the step of this status>` (the job's own override, else configuration), or NULL. */
export function timeoutAtSql(config: Config, status: DeviceJobStatus, alias = 't'): Prisma.Sql {
  const at = (key: string, fallback: number) => Prisma.sql`now() + make_interval(secs => COALESCE((${Prisma.raw(alias)}."timeouts"->>${key})::int, ${fallback}))`;
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
 * Outbox rows telling devices their next job, NOTIFY_BATCH devices each, keys `<key>-<batch>`,
 * from a step that returns "deviceId"s.
 */
export const notifyStep = (key: string, from: string) =>
  outbox.step(
    'notify',
    'jobs',
    'notify-devices',
    Prisma.sql`SELECT jsonb_build_object('deviceIds', jsonb_agg("deviceId")) AS payload, ${key} || '-' || batch AS key
      FROM (SELECT "deviceId", (row_number() OVER () - 1) / ${NOTIFY_BATCH} AS batch FROM ${Prisma.raw(from)}) n GROUP BY batch`,
  );

/** Outbox rows telling these devices their next job, NOTIFY_BATCH devices each, keys `<key>-<batch>`. */
export function notifyDevices(tx: Tx, deviceIds: string[], key: string): Promise<void> {
  const messages = [];
  for (let i = 0; i < deviceIds.length; i += NOTIFY_BATCH) messages.push({ payload: { deviceIds: deviceIds.slice(i, i + NOTIFY_BATCH) }, key: `${key}-${i / NOTIFY_BATCH}` });
  return outbox.enqueue(tx, 'jobs', 'notify-devices', messages);
}

export interface JobMove {
  event: DeviceJobEvent;
  /** The jobs to move, over `t` (for one job: its id and the version read). */
  where: Prisma.Sql;
  actor: string;
  /** The new statusReason (a value or an expression over the old row `t`); also the event rows' reason. */
  reason?: string | null | Prisma.Sql;
  /** Further `column = value` assignments. */
  set?: Prisma.Sql[];
  /** The device's own step timeout (stepTimeoutInMinutes), instead of the configured one. */
  timeoutMinutes?: number;
  /** The device reported SUCCEEDED: its execution reads SUCCEEDED while the job waits for it to come back. */
  deviceSucceeded?: boolean;
  /** Tell the moved jobs' devices their next job afterwards, with this outbox key. */
  notifyKey?: string;
  limit?: number;
  orderBy?: Prisma.Sql;
  skipLocked?: boolean;
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
  from: DeviceJobStatus;
}

const TERMINAL = DEVICE_JOB_STATUSES.filter((s) => !ACTIVE_JOB_STATUSES.includes(s));
const TO = Prisma.sql`sel."to"`;

/**
 * Job status changes, all of them: the job machine's transition primitive plus what a job's
 * status implies (execution status, step deadline, completion time) and device notifications.
 */
export function moveJobs(db: Db, config: Config, m: JobMove): Promise<MovedJob[]> {
  const executionStatus = Object.fromEntries(DEVICE_JOB_STATUSES.map((s) => [s, executionStatusOf(s, m.deviceSucceeded)]));
  const stepTimeout = Object.fromEntries(DEVICE_JOB_STATUSES.map((s) => [s, timeoutAtSql(config, s)]));
  const sets = [
    Prisma.sql`"executionStatus" = (${caseOf(TO, executionStatus)})::"JobExecutionStatus"`,
    m.timeoutMinutes
      ? Prisma.sql`"timeoutAt" = CASE WHEN ${TO} IN (${Prisma.join(ACTIVE_JOB_STATUSES)}) THEN now() + make_interval(mins => ${m.timeoutMinutes}) ELSE NULL END`
      : Prisma.sql`"timeoutAt" = CASE WHEN ${TO} = sel."from" THEN t."timeoutAt" ELSE ${caseOf(TO, stepTimeout)} END`,
    Prisma.sql`"completedAt" = CASE WHEN ${TO} IN (${Prisma.join(TERMINAL)}) THEN now() ELSE NULL END`,
    ...(m.reason !== undefined ? [Prisma.sql`"statusReason" = ${typeof m.reason === 'object' && m.reason !== null ? m.reason : Prisma.sql`${m.reason}`}`] : []),
    ...(m.event === 'RETRY' ? [Prisma.sql`"executionNumber" = t."executionNumber" + 1`, Prisma.sql`"startedAt" = NULL`, Prisma.sql`"statusDetails" = '{}'::jsonb`] : []),
    ...(m.set ?? []),
  ];
  return transition<DeviceJobStatus, DeviceJobEvent, Omit<MovedJob, 'from'>>(db, JOBS, {
    event: m.event,
    where: m.where,
    actor: m.actor,
    reason: m.reason !== undefined ? Prisma.sql`t."statusReason"` : null,
    set: sets,
    limit: m.limit,
    orderBy: m.orderBy,
    skipLocked: m.skipLocked,
    returning: Prisma.sql`t."jobId", t."deviceId", t."rolloutId"::text AS "rolloutId", t.status::text AS status, t.attempts,
      t."executionStatus"::text AS "executionStatus", t."statusDetails", t."executionNumber", t."versionNumber", t."startedAt", t."updatedAt"`,
    then: m.notifyKey ? [notifyStep(m.notifyKey, 'moved')] : [],
  });
}

/** One job, compare-and-set on its status and version: the move, or undefined when it changed meanwhile. */
export async function moveJob(db: Db, config: Config, job: { jobId: string; status: DeviceJobStatus; versionNumber: number }, c: JobChange): Promise<MovedJob | undefined> {
  const set: Prisma.Sql[] = [];
  if (c.statusDetails) set.push(Prisma.sql`"statusDetails" = ${JSON.stringify(c.statusDetails)}::jsonb`);
  if (c.starts) set.push(Prisma.sql`"startedAt" = now()`, Prisma.sql`attempts = t.attempts + 1`);
  if (c.rebootFromSession !== undefined) set.push(Prisma.sql`"rebootFromSession" = ${c.rebootFromSession}`);
  const retry = c.event === 'RETRY';
  const [moved] = await moveJobs(db, config, {
    event: c.event,
    actor: c.actor,
    // A retry goes back to the queue only where the retry rule allows it, saying which attempt comes.
    reason: retry ? Prisma.sql`${c.reason ?? null} || '; retrying (attempt ' || (t.attempts + 1) || ' of ' || t."maxAttempts" || ')'` : c.reason,
    set,
    timeoutMinutes: c.timeoutMinutes,
    deviceSucceeded: c.deviceSucceeded,
    where: Prisma.sql`t."jobId" = ${job.jobId} AND t."versionNumber" = ${job.versionNumber} AND t.status = ${job.status}::"DeviceJobStatus" ${retry ? Prisma.sql`AND ${RETRYABLE_SQL}` : Prisma.empty}`,
    notifyKey: c.notify ? `notify-${job.jobId}-v${job.versionNumber + 1}` : undefined,
  });
  return moved;
}

/** One job's change, as an operator or its device asks for it. */
export interface JobChange {
  event: DeviceJobEvent;
  actor: string;
  /** The new statusReason; for RETRY, the reason the attempt failed. */
  reason?: string | null;
  /** The device's statusDetails, kept with the job. */
  statusDetails?: Record<string, string> | null;
  /** The device started the job: its startedAt, and one more attempt. */
  starts?: boolean;
  /** The session the device reported success from (a reboot must come back in another). */
  rebootFromSession?: string | null;
  timeoutMinutes?: number;
  deviceSucceeded?: boolean;
  /** Tell the device its next job afterwards. */
  notify?: boolean;
}

/** REBOOTING jobs whose device reported SUCCEEDED and came back in another session (with a fresh `system` report, for an OTA). */
const CAME_BACK = Prisma.sql`t.status = 'REBOOTING' AND t."executionStatus" = 'SUCCEEDED' AND EXISTS (
  SELECT 1 FROM "Device" d WHERE d."deviceId" = t."deviceId" AND d."deviceConnectionStatus" = 'ONLINE'
    AND d."connectionSession" IS DISTINCT FROM t."rebootFromSession" AND (t."jobType" = 'REBOOT' OR d."systemReportedAt" >= d."connectedAt"))`;
const ON_NEW_VERSION = Prisma.sql`(t."jobType" = 'REBOOT' OR t."imageVersion" = (SELECT "currentSoftware" FROM "Device" d WHERE d."deviceId" = t."deviceId"))`;
const CAME_BACK_ON = Prisma.sql`'The device came back on ' || COALESCE((SELECT "currentSoftware" FROM "Device" d WHERE d."deviceId" = t."deviceId"), 'an unknown version') || ', not ' || t."imageVersion"`;
const TIMED_OUT = Prisma.sql`t."timeoutAt" < now()`;
const TIMED_OUT_WHILE = Prisma.sql`'Timed out while ' || t.status::text`;

/** The sweeps of job executions, as moves: jobs whose device came back complete (or fail, on the old version); jobs past their deadline retry or time out. */
const SWEEPS = {
  complete: [
    { event: 'CONFIRM', where: Prisma.sql`${CAME_BACK} AND ${ON_NEW_VERSION}`, reason: null },
    { event: 'FAIL', where: Prisma.sql`${CAME_BACK} AND NOT ${ON_NEW_VERSION}`, reason: CAME_BACK_ON },
  ],
  // A new execution when retries are left and the device had started it; else TIMED_OUT.
  timeOut: [
    {
      event: 'RETRY',
      where: Prisma.sql`${TIMED_OUT} AND ${RETRYABLE_SQL}`,
      reason: Prisma.sql`${TIMED_OUT_WHILE} || '; retrying (attempt ' || (t.attempts + 1) || ' of ' || t."maxAttempts" || ')'`,
    },
    { event: 'TIME_OUT', where: TIMED_OUT, reason: TIMED_OUT_WHILE },
  ],
} satisfies Record<string, Pick<JobMove, 'event' | 'where' | 'reason'>[]>;

export type Sweep = keyof typeof SWEEPS;

/** Sweep batches are this many jobs per move. */
const SWEEP_BATCH = 5000;

/** One sweep's moves, set-based in the caller's transaction, rows claimed with SKIP LOCKED, the moved jobs' devices told. */
export async function sweepJobs(tx: Tx, config: Config, sweep: Sweep, notifyKey: string): Promise<MovedJob[]> {
  const moved: MovedJob[] = [];
  for (const m of SWEEPS[sweep]) {
    moved.push(...(await moveJobs(tx, config, { ...m, actor: 'system:worker', limit: SWEEP_BATCH, orderBy: Prisma.sql`t."jobId"`, skipLocked: true, notifyKey })));
  }
  return moved;
}
