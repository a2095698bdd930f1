import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { CONFIG, type Config } from '@edgefleet/config';
import { PrismaService } from '@edgefleet/db';
import { DEFAULT_JOB_OPTIONS, OUTBOX_CHANNEL, type OutboxRow, outbox } from '@edgefleet/queue';
import { Scheduler } from '@edgefleet/runtime';
import { TRACEPARENT_KEY } from '@edgefleet/telemetry';
import { WORKER_QUEUES } from '../metrics/worker.metrics';

const POLL_MS = 1_000;
const RECONCILE_MS = 15_000;
/** A dispatched message older than this whose job Redis no longer holds is enqueued again. */
const LOST_AFTER_MS = 10_000;
const BATCH = 500;

/**
 * Moves outbox rows to BullMQ (woken by NOTIFY, with a poll as a safety net), and
 * reconciles: anything Postgres says is pending but Redis does not hold (a flushed
 * or lost Redis) is enqueued again. Job id = idempotency key, so repeats are no-ops.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly queues: Map<string, Queue>;
  private listener?: Client;
  private listening = false;
  private reconnecting?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(WORKER_QUEUES) queues: Queue[],
    private readonly scheduler: Scheduler,
  ) {
    this.queues = new Map(queues.map((q) => [q.name, q]));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
    this.scheduler.every('outbox poll', POLL_MS, async () => this.kick());
    this.scheduler.every('outbox reconcile', RECONCILE_MS, () => this.reconcile());
  }

  /**
   * LISTENs for the outbox's NOTIFY on a connection of its own; when Postgres drops it (a restart,
   * a failover) it connects again, every second until it can (the poll relays meanwhile).
   */
  private async listen(): Promise<void> {
    const listener = new Client({ connectionString: this.config.DATABASE_URL });
    this.listener = listener;
    listener.on('error', (err) => this.logger.warn({ err: err.message }, 'outbox listener lost its connection; reconnecting'));
    listener.on('notification', () => this.kick());
    listener.on('end', () => this.relisten(listener));
    try {
      await listener.connect();
      await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (err) {
      if (!this.listening) throw err; // at start: the worker fails fast
      this.logger.warn({ err: (err as Error).message }, 'outbox listener could not reconnect yet');
      void listener.end().catch(() => undefined);
      return this.relisten(listener);
    }
    this.listening = true;
    this.kick(); // rows written while it was away
  }

  /** One reconnection at a time, for the current connection only. */
  private relisten(from: Client): void {
    if (this.stopped || from !== this.listener || this.reconnecting) return;
    this.reconnecting = setTimeout(() => {
      this.reconnecting = undefined;
      void this.listen().catch((err) => this.logger.error({ err }, 'outbox listener failed'));
    }, 1000);
    this.reconnecting.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnecting);
    await this.running;
    await this.listener?.end().catch(() => undefined);
  }

  /** Runs one relay pass, or one more right after the current one. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.relay()
      .catch((err) => this.logger.error({ err }, 'outbox relay failed; will retry'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async relay(): Promise<void> {
    while ((await outbox.relay(this.prisma, BATCH, (rows) => this.enqueue(rows))) === BATCH);
  }

  async reconcile(): Promise<number> {
    const rows = await outbox.unfinished(this.prisma, LOST_AFTER_MS, 5000);
    const lost: OutboxRow[] = [];
    for (const row of rows) {
      const queue = this.queueOf(row);
      if (queue && !(await queue.getJob(row.idempotencyKey))) lost.push(row);
    }
    if (lost.length > 0) {
      this.logger.warn({ count: lost.length }, 're-enqueuing jobs that Redis lost');
      await this.enqueue(lost);
    }
    return lost.length;
  }

  private async enqueue(rows: OutboxRow[]): Promise<void> {
    const byQueue = new Map<Queue, OutboxRow[]>();
    for (const row of rows) {
      const queue = this.queueOf(row);
      if (!queue) {
        this.logger.error({ queue: row.queue, id: String(row.id) }, 'outbox row names an unknown queue; skipped');
        continue;
      }
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), row]);
    }
    for (const [queue, list] of byQueue) {
      await queue.addBulk(
        list.map((r) => ({ name: r.jobName, data: r.traceparent ? { ...r.payload, [TRACEPARENT_KEY]: r.traceparent } : r.payload, opts: { ...DEFAULT_JOB_OPTIONS, jobId: r.idempotencyKey } })),
      );
    }
  }

  private queueOf(row: OutboxRow): Queue | undefined {
    return this.queues.get(row.queue);
  }
}
