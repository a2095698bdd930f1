import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { type RetainedTable, RetentionRepository } from './retention.repository';
import { Clock, Scheduler } from '@edgefleet/runtime';
import { ClipService } from '@edgefleet/clips';

const DAY_MS = 86_400_000;

const PRUNINGS: { table: RetainedTable; keepDays: (c: Config) => number }[] = [
  { table: 'OutboxMessage', keepDays: (c) => c.RETENTION_OUTBOX_DAYS },
  { table: 'DeviceEvent', keepDays: (c) => c.RETENTION_EVENTS_DAYS },
  { table: 'DeviceJobEvent', keepDays: (c) => c.RETENTION_EVENTS_DAYS },
  { table: 'RolloutEvent', keepDays: (c) => c.RETENTION_EVENTS_DAYS },
  { table: 'NodeFromTemplateJobEvent', keepDays: (c) => c.RETENTION_EVENTS_DAYS },
  { table: 'LogEvent', keepDays: (c) => c.RETENTION_LOGS_DAYS },
  { table: 'AuditEvent', keepDays: (c) => c.RETENTION_AUDIT_DAYS },
];

/**
 * Keeps history bounded: every RETENTION_SWEEP_MS, rows older than their retention go (camera
 * clips by their organization's retention, in days and bytes), in
 * batches of RETENTION_BATCH (each its own short statement, rows locked by other
 * transactions skipped), so the hot tables are never locked as a whole.
 */
@Injectable()
export class RetentionPruner implements OnApplicationBootstrap {
  private readonly logger = new Logger(RetentionPruner.name);

  constructor(
    private readonly retention: RetentionRepository,
    private readonly clips: ClipService,
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
      deleted[p.table] = 0;
      for (;;) {
        const n = await this.retention.deleteOld(p.table, cutoff, this.config.RETENTION_BATCH);
        deleted[p.table] += n;
        if (n < this.config.RETENTION_BATCH) break;
      }
    }
    // Camera clips by each organization's retention (days, then bytes), their files with them.
    const clips = await this.clips.prune(now);
    deleted.Clip = clips.clips;
    if (Object.values(deleted).some((n) => n > 0)) this.logger.log({ deleted, clipBytes: clips.bytes }, 'old rows pruned');
    return deleted;
  }
}
