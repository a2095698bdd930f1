import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CONFIG, type Config } from '@edgefleet/config';
import { Prisma, PrismaService, type Tx } from '@edgefleet/db';
import { type JobMove, RETRYABLE_SQL, moveJobs } from './device-job.transitions';
import { JobEventsPublisher } from './job-events.publisher';

const BATCH = 5000;
const ACTOR = 'system:worker';

export interface SweptJob {
  jobId: string;
  deviceId: string;
  rolloutId: string | null;
  to: string;
}

/** REBOOTING jobs whose device reported SUCCEEDED and came back in another session (with a fresh `system` report, for an OTA). */
const CAME_BACK = Prisma.sql`t.status = 'REBOOTING' AND t."executionStatus" = 'SUCCEEDED' AND EXISTS (
  SELECT 1 FROM "Device" d WHERE d."deviceId" = t."deviceId" AND d."deviceConnectionStatus" = 'ONLINE'
    AND d."connectionSession" IS DISTINCT FROM t."rebootFromSession" AND (t."jobType" = 'REBOOT' OR d."systemReportedAt" >= d."connectedAt"))`;
const ON_NEW_VERSION = Prisma.sql`(t."jobType" = 'REBOOT' OR t."imageVersion" = (SELECT "currentSoftware" FROM "Device" d WHERE d."deviceId" = t."deviceId"))`;
const CAME_BACK_ON = Prisma.sql`'The device came back on ' || COALESCE((SELECT "currentSoftware" FROM "Device" d WHERE d."deviceId" = t."deviceId"), 'an unknown version') || ', not ' || t."imageVersion"`;
const TIMED_OUT = Prisma.sql`t."timeoutAt" < now()`;
const TIMED_OUT_WHILE = Prisma.sql`'Timed out while ' || t.status::text`;

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
    private readonly events: JobEventsPublisher,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Completions, then timeouts; subscribers hear about every job and rollout that moved. */
  async sweep(): Promise<SweptJob[]> {
    const swept = [...(await this.complete()), ...(await this.timeOut())];
    await this.events.updated({ jobIds: swept.map((s) => s.jobId), rolloutIds: [...new Set(swept.map((s) => s.rolloutId).filter((r): r is string => !!r))] });
    return swept;
  }

  complete(): Promise<SweptJob[]> {
    return this.run([
      { event: 'CONFIRM', where: Prisma.sql`${CAME_BACK} AND ${ON_NEW_VERSION}`, reason: null },
      { event: 'FAIL', where: Prisma.sql`${CAME_BACK} AND NOT ${ON_NEW_VERSION}`, reason: CAME_BACK_ON },
    ]);
  }

  /** Active jobs past their deadline: TIMED_OUT, or a new execution when retries are left and the device had started it. */
  timeOut(): Promise<SweptJob[]> {
    return this.run([
      {
        event: 'RETRY',
        where: Prisma.sql`${TIMED_OUT} AND ${RETRYABLE_SQL}`,
        reason: Prisma.sql`${TIMED_OUT_WHILE} || '; retrying (attempt ' || (t.attempts + 1) || ' of ' || t."maxAttempts" || ')'`,
      },
      { event: 'TIME_OUT', where: TIMED_OUT, reason: TIMED_OUT_WHILE },
    ]);
  }

  /** Each move set-based, in one transaction, with the devices' notifications. */
  private run(moves: Pick<JobMove, 'event' | 'where' | 'reason'>[]): Promise<SweptJob[]> {
    return this.prisma.$transaction(async (tx: Tx) => {
      const swept: SweptJob[] = [];
      for (const m of moves) {
        const moved = await moveJobs(tx, this.config, { ...m, actor: ACTOR, limit: BATCH, orderBy: Prisma.sql`t."jobId"`, skipLocked: true, notifyKey: `notify-sweep-${randomUUID()}` });
        swept.push(...moved.map((j) => ({ jobId: j.jobId, deviceId: j.deviceId, rolloutId: j.rolloutId, to: j.status })));
      }
      return swept;
    });
  }
}
