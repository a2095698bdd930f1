import { WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { PrismaService } from '@edgefleet/db';
import { DomainError, type ErrorCode } from '@edgefleet/domain';
import { type JobName, type JobPayload, type QueueName, outbox } from '@edgefleet/queue';
import { SpanKind, TRACEPARENT_KEY, inSpan } from '@edgefleet/telemetry';
import { WorkerMetrics } from '../metrics/worker.metrics';

/** Categories retrying cannot fix; the rest (rate limits, outages, bugs) retry with backoff. */
const PERMANENT: readonly ErrorCode[] = ['NOT_FOUND', 'VALIDATION_FAILED', 'CONFLICT', 'QUOTA_EXCEEDED', 'FORBIDDEN', 'UNAUTHENTICATED'];

export type QueueJob<Q extends QueueName> = { [N in JobName<Q>]: Job<JobPayload<Q, N>, unknown, N> }[JobName<Q>];

/**
 * The one processor shape: run the job, then mark the outbox row it came from as done (job
 * id = idempotency key), so the reconciler never enqueues it again. A permanent domain error
 * also ends its row and becomes BullMQ's UnrecoverableError: it is not retried.
 */
export abstract class OutboxProcessor<Q extends QueueName> extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);
  @Inject(WorkerMetrics) private readonly metrics!: WorkerMetrics;

  constructor(protected readonly prisma: PrismaService) {
    super();
  }

  protected abstract handle(job: QueueJob<Q>): Promise<void>;

  /** Jobs a scheduler queued directly have no outbox row to complete. */
  protected fromOutbox(_job: QueueJob<Q>): boolean {
    return true;
  }

  async process(job: QueueJob<Q>): Promise<void> {
    const labels = { queue: job.queueName, name: job.name };
    const stop = this.metrics.duration.startTimer(labels);
    const traceparent = (job.data as Record<string, unknown>)[TRACEPARENT_KEY] as string | undefined;
    try {
      // A span of the trace of the request that recorded the job (through its outbox row).
      await inSpan(`${job.queueName} ${job.name}`, { kind: SpanKind.CONSUMER, traceparent }, () => this.run(job));
      this.metrics.processed.inc({ ...labels, result: 'completed' });
    } catch (err) {
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.metrics.processed.inc({ ...labels, result: last ? 'failed' : 'retried' });
      throw err;
    } finally {
      stop();
    }
  }

  private async run(job: QueueJob<Q>): Promise<void> {
    try {
      await this.handle(job);
    } catch (err) {
      if (!(err instanceof DomainError) || !PERMANENT.includes(err.code)) throw err;
      this.logger.warn({ jobId: job.id, job: job.name, reason: err.reason, err: err.message }, 'job failed for good; not retried');
      if (this.fromOutbox(job)) await this.complete(job);
      throw new UnrecoverableError(`${err.reason}: ${err.message}`);
    }
    if (this.fromOutbox(job)) await this.complete(job);
  }

  private async complete(job: QueueJob<Q>): Promise<void> {
    await outbox.complete(this.prisma, job.id!);
  }
}
