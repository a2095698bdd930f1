import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CONFIG, type Config } from '@edgefleet/config';
import { Prisma, PrismaService } from '@edgefleet/db';
import { OUTBOX_CHANNEL } from '@edgefleet/queue';
import { ACTIVE_JOB_SQL, notifyMovedSql, timeoutAtSql } from './job.sql';

const BATCH = 5000;
const ACTOR = 'system:worker';

export interface SweptJob {
  jobId: string;
  deviceId: string;
  rolloutId: string | null;
  to: string;
}

/**
 * The server side of job executions, set-based so it scales with the fleet: jobs whose
 * device came back after its reboot complete (or fail, on the old version), and jobs past
 * their step's deadline time out (or, with retries left, go back to the queue).
 * Rows are claimed with SKIP LOCKED, so several workers can sweep at once.
 */
@Injectable()
export class JobSweeper {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async sweep(): Promise<SweptJob[]> {
    return [...(await this.complete()), ...(await this.timeOut())];
  }

  /** REBOOTING jobs whose device reported SUCCEEDED and came back in another session (with a fresh `system` report, for an OTA). */
  complete(): Promise<SweptJob[]> {
    return this.run(Prisma.sql`
      WITH due AS (
        SELECT j."jobId", j.status::text AS "from",
               CASE WHEN j."jobType" = 'REBOOT' OR d."currentSoftware" = j."imageVersion" THEN 'COMPLETED' ELSE 'FAILED' END AS "to",
               CASE WHEN j."jobType" = 'REBOOT' OR d."currentSoftware" = j."imageVersion" THEN NULL
                    ELSE 'The device came back on ' || COALESCE(d."currentSoftware", 'an unknown version') || ', not ' || j."imageVersion" END AS reason
        FROM "DeviceJob" j JOIN "Device" d ON d."deviceId" = j."deviceId"
        WHERE j.status = 'REBOOTING' AND j."executionStatus" = 'SUCCEEDED' AND d."deviceConnectionStatus" = 'ONLINE'
          AND d."connectionSession" IS DISTINCT FROM j."rebootFromSession"
          AND (j."jobType" = 'REBOOT' OR d."systemReportedAt" >= d."connectedAt")
        ORDER BY j."jobId" LIMIT ${BATCH} FOR UPDATE OF j SKIP LOCKED
      ), moved AS (
        UPDATE "DeviceJob" j SET status = due."to"::"DeviceJobStatus",
          "executionStatus" = CASE WHEN due."to" = 'COMPLETED' THEN 'SUCCEEDED' ELSE 'FAILED' END::"JobExecutionStatus",
          "statusReason" = due.reason, "completedAt" = now(), "timeoutAt" = NULL, "versionNumber" = j."versionNumber" + 1, "updatedAt" = now()
        FROM due WHERE j."jobId" = due."jobId"
        RETURNING j."jobId", j."deviceId", j."rolloutId"::text AS "rolloutId", due."from", due."to", due.reason
      )`);
  }

  /** Active jobs past their deadline: TIMED_OUT, or a new execution when retries are left and the device had started it. */
  timeOut(): Promise<SweptJob[]> {
    const retry = Prisma.sql`(due."from" <> 'PENDING' AND j.attempts < j."maxAttempts")`;
    return this.run(Prisma.sql`
      WITH due AS (
        SELECT j."jobId", j.status::text AS "from" FROM "DeviceJob" j
        WHERE j.status IN ${ACTIVE_JOB_SQL} AND j."timeoutAt" < now()
        ORDER BY j."timeoutAt" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
      ), moved AS (
        UPDATE "DeviceJob" j SET
          status = (CASE WHEN ${retry} THEN 'PENDING' ELSE 'TIMED_OUT' END)::"DeviceJobStatus",
          "executionStatus" = (CASE WHEN ${retry} THEN 'QUEUED' ELSE 'TIMED_OUT' END)::"JobExecutionStatus",
          "executionNumber" = j."executionNumber" + (CASE WHEN ${retry} THEN 1 ELSE 0 END),
          "statusReason" = 'Timed out while ' || due."from" || (CASE WHEN ${retry} THEN '; retrying (attempt ' || (j.attempts + 1) || ' of ' || j."maxAttempts" || ')' ELSE '' END),
          "timeoutAt" = CASE WHEN ${retry} THEN ${timeoutAtSql(this.config, 'PENDING')} ELSE NULL END,
          "completedAt" = CASE WHEN ${retry} THEN NULL ELSE now() END,
          "startedAt" = CASE WHEN ${retry} THEN NULL ELSE j."startedAt" END,
          "statusDetails" = CASE WHEN ${retry} THEN '{}'::jsonb ELSE j."statusDetails" END,
          "versionNumber" = j."versionNumber" + 1, "updatedAt" = now()
        FROM due WHERE j."jobId" = due."jobId"
        RETURNING j."jobId", j."deviceId", j."rolloutId"::text AS "rolloutId", due."from", j.status::text AS "to", j."statusReason" AS reason
      )`);
  }

  /** Runs a `WITH due …, moved …` statement, recording events and notifying the devices in the same transaction. */
  private async run(moves: Prisma.Sql): Promise<SweptJob[]> {
    const key = `notify-sweep-${randomUUID()}`;
    const swept = await this.prisma.$queryRaw<SweptJob[]>`
      ${moves}, ev AS (
        INSERT INTO "DeviceJobEvent" ("jobId", "from", "to", actor, reason) SELECT "jobId", "from", "to", ${ACTOR}, reason FROM moved
      ), ${notifyMovedSql(key)}
      SELECT "jobId", "deviceId", "rolloutId", "to" FROM moved`;
    if (swept.length) await this.prisma.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
    return swept;
  }
}
