import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { Prisma, PrismaService } from '@edgefleet/db';
import { Clock, Scheduler } from '@edgefleet/runtime';

const DAY_MS = 86_400_000;

/** One batch of old rows of a table: what may go, by age; never what is still pending. */
interface Pruning {
  table: string;
  keepDays: (c: Config) => number;
  /** The condition over the row's age and state, given the cutoff. */
  old: (cutoff: Date) => Prisma.Sql;
}

const PRUNINGS: Pruning[] = [
  // Only completed messages: a pending or dispatched one is work not done yet.
  { table: 'OutboxMessage', keepDays: (c) => c.RETENTION_OUTBOX_DAYS, old: (cutoff) => Prisma.sql`"completedAt" < ${cutoff}` },
  { table: 'DeviceEvent', keepDays: (c) => c.RETENTION_EVENTS_DAYS, old: (cutoff) => Prisma.sql`"at" < ${cutoff}` },
  { table: 'DeviceJobEvent', keepDays: (c) => c.RETENTION_EVENTS_DAYS, old: (cutoff) => Prisma.sql`"at" < ${cutoff}` },
  { table: 'RolloutEvent', keepDays: (c) => c.RETENTION_EVENTS_DAYS, old: (cutoff) => Prisma.sql`"at" < ${cutoff}` },
  { table: 'NodeFromTemplateJobEvent', keepDays: (c) => c.RETENTION_EVENTS_DAYS, old: (cutoff) => Prisma.sql`"at" < ${cutoff}` },
  { table: 'LogEvent', keepDays: (c) => c.RETENTION_LOGS_DAYS, old: (cutoff) => Prisma.sql`"ingestedAt" < ${cutoff}` },
  { table: 'AuditEvent', keepDays: (c) => c.RETENTION_AUDIT_DAYS, old: (cutoff) => Prisma.sql`"at" < ${cutoff}` },
];

/**
 * Keeps history bounded: every RETENTION_SWEEP_MS, rows older than their retention go, in
 * batches of RETENTION_BATCH (each its own short statement, rows locked by other
 * transactions skipped), so the hot tables are never locked as a whole.
 */
@Injectable()
export class RetentionPruner implements OnApplicationBootstrap {
  private readonly logger = new Logger(RetentionPruner.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every('retention', this.config.RETENTION_SWEEP_MS, () => this.prune());
  }

  /** Rows deleted per table. */
  async prune(now = this.clock.now()): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    for (const p of PRUNINGS) {
      const cutoff = new Date(now.getTime() - p.keepDays(this.config) * DAY_MS);
      const table = Prisma.raw(`"${p.table}"`);
      deleted[p.table] = 0;
      for (;;) {
        const n = await this.prisma.$executeRaw`
          DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE ${p.old(cutoff)} LIMIT ${this.config.RETENTION_BATCH} FOR UPDATE SKIP LOCKED)`;
        deleted[p.table] += n;
        if (n < this.config.RETENTION_BATCH) break;
      }
    }
    if (Object.values(deleted).some((n) => n > 0)) this.logger.log({ deleted }, 'old rows pruned');
    return deleted;
  }
}
