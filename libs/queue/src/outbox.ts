import { Prisma, type PrismaService, type Tx } from '@edgefleet/db';
import { currentTraceparent } from '@edgefleet/telemetry';
import type { JobName, JobPayload, QueueName } from './queue.map';

/** Postgres channel the relay LISTENs on; a trigger on "OutboxMessage" notifies it at commit (migration 20261201090000). */
export const OUTBOX_CHANNEL = 'edgefleet_outbox';

/** An outbox row as the relay moves it to BullMQ. */
export interface OutboxRow {
  id: bigint;
  queue: string;
  jobName: string;
  payload: object;
  idempotencyKey: string;
  traceparent: string | null;
}

/** One message for a worker. Its key is also the BullMQ job id (no colons: BullMQ refuses them). */
export interface OutboxMessage<Q extends QueueName, N extends JobName<Q>> {
  payload: JobPayload<Q, N>;
  key: string;
}

/**
 * The outbox port: work for the workers is recorded in the same transaction as the change
 * that asks for it, typed by the queue map; the relay moves it to BullMQ. Each row keeps the
 * trace context of the request that recorded it, so its job continues that trace.
 */
export const outbox = {
  async enqueue<Q extends QueueName, N extends JobName<Q>>(db: Tx | PrismaService, queue: Q, jobName: N, messages: OutboxMessage<Q, N>[]): Promise<void> {
    if (messages.length === 0) return;
    await db.outboxMessage.createMany({
      data: messages.map((m) => ({ queue, jobName, payload: m.payload as object, idempotencyKey: m.key, traceparent: currentTraceparent() })),
      skipDuplicates: true,
    });
  },

  /**
   * The relay's pass: up to `limit` undispatched rows, oldest first (rows other relays hold are
   * left to them), handed to `dispatch`, then marked dispatched in the same transaction.
   */
  async relay(prisma: PrismaService, limit: number, dispatch: (rows: OutboxRow[]) => Promise<void>): Promise<number> {
    return prisma.$transaction(async (tx) => {
      const batch = await tx.$queryRaw<OutboxRow[]>`
        SELECT id, queue, "jobName", payload, "idempotencyKey", traceparent FROM "OutboxMessage"
        WHERE "dispatchedAt" IS NULL ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      if (batch.length === 0) return 0;
      await dispatch(batch);
      await tx.$executeRaw`UPDATE "OutboxMessage" SET "dispatchedAt" = now() WHERE id = ANY(${batch.map((r) => r.id)})`;
      return batch.length;
    });
  },

  /** Rows dispatched more than `olderThanMs` ago and not completed: candidates the queue may have lost. */
  unfinished(prisma: PrismaService, olderThanMs: number, limit: number): Promise<OutboxRow[]> {
    return prisma.$queryRaw<OutboxRow[]>`
      SELECT id, queue, "jobName", payload, "idempotencyKey", traceparent FROM "OutboxMessage"
      WHERE "completedAt" IS NULL AND "dispatchedAt" < now() - make_interval(secs => ${olderThanMs / 1000})
      ORDER BY id LIMIT ${limit}`;
  },

  /** The job of this key is done: the reconciler never enqueues it again. */
  async complete(prisma: PrismaService, idempotencyKey: string): Promise<void> {
    await prisma.$executeRaw`UPDATE "OutboxMessage" SET "completedAt" = now() WHERE "idempotencyKey" = ${idempotencyKey} AND "completedAt" IS NULL`;
  },

  /**
   * A CTE step `<name> AS (INSERT …)` writing one outbox row per row of `select`, whose
   * columns are `payload` (jsonb, a `JobPayload<Q, N>`) and `key` (text): for statements
   * that decide set-based who gets work (a transition's moved rows).
   */
  step<Q extends QueueName, N extends JobName<Q>>(name: string, queue: Q, jobName: N, select: Prisma.Sql): Prisma.Sql {
    return Prisma.sql`${Prisma.raw(`"${name}"`)} AS (
      INSERT INTO "OutboxMessage" (queue, "jobName", payload, "idempotencyKey", traceparent)
      SELECT ${queue}, ${jobName}, s.payload, s.key, ${currentTraceparent() ?? null}::text FROM (${select}) s
      ON CONFLICT ("idempotencyKey") DO NOTHING
    )`;
  },
};
