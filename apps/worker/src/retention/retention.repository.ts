import { Injectable } from '@nestjs/common';
import { Prisma, Repository } from '@edgefleet/db';

/** A history table and what of it may go, by age; never what is still pending. */
export type RetainedTable = 'OutboxMessage' | 'DeviceEvent' | 'DeviceJobEvent' | 'RolloutEvent' | 'NodeFromTemplateJobEvent' | 'LogEvent' | 'AuditEvent';

const OLD: Record<RetainedTable, (cutoff: Date) => Prisma.Sql> = {
  // Only completed messages: a pending or dispatched one is work not done yet.
  OutboxMessage: (cutoff) => Prisma.sql`"completedAt" < ${cutoff}`,
  DeviceEvent: (cutoff) => Prisma.sql`"at" < ${cutoff}`,
  DeviceJobEvent: (cutoff) => Prisma.sql`"at" < ${cutoff}`,
  RolloutEvent: (cutoff) => Prisma.sql`"at" < ${cutoff}`,
  NodeFromTemplateJobEvent: (cutoff) => Prisma.sql`"at" < ${cutoff}`,
  LogEvent: (cutoff) => Prisma.sql`"ingestedAt" < ${cutoff}`,
  AuditEvent: (cutoff) => Prisma.sql`"at" < ${cutoff}`,
};

/** The SQL of history retention: bounded deletes of old rows, across the features' history tables. */
@Injectable()
export class RetentionRepository extends Repository {
  /** One batch of the table's rows older than `cutoff` (rows other transactions lock are skipped): how many went. */
  deleteOld(table: RetainedTable, cutoff: Date, batch: number): Promise<number> {
    const t = Prisma.raw(`"${table}"`);
    return this.prisma.$executeRaw`DELETE FROM ${t} WHERE id IN (SELECT id FROM ${t} WHERE ${OLD[table](cutoff)} LIMIT ${batch} FOR UPDATE SKIP LOCKED)`;
  }
}
