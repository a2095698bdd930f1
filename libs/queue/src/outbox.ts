import { Prisma, type PrismaService, type Tx } from '@edgefleet/db';
import { currentTraceparent } from '@edgefleet/telemetry';
import type { JobName, JobPayload, QueueName } from './queue.map';

/** Postgres channel the relay LISTENs on; a trigger on "OutboxMessage" notifies it at commit (migration 20261201090000). */
export const OUTBOX_CHANNEL = 'edgefleet_outbox';

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
