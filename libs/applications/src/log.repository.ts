import { Injectable } from '@nestjs/common';
import { Prisma, Repository } from '@edgefleet/db';

export interface LogEventRow {
  id: bigint;
  logGroup: string;
  logStream: string;
  timestamp: Date;
  message: string;
  ingestionTime: Date;
}

export interface LogFilter {
  logGroup: string;
  /** One stream, several, or those starting with a prefix. */
  streams?: string[] | null;
  streamPrefix?: string | null;
  since?: Date | null;
  until?: Date | null;
  /** Every term must appear in the message. */
  terms?: string[];
  afterId?: bigint | null;
  beforeId?: bigint | null;
}

function whereOf(f: LogFilter): Prisma.Sql {
  const where = [Prisma.sql`"logGroup" = ${f.logGroup}`];
  if (f.streams) where.push(f.streams.length === 1 ? Prisma.sql`"logStream" = ${f.streams[0]}` : Prisma.sql`"logStream" = ANY(${f.streams})`);
  if (f.streamPrefix) where.push(Prisma.sql`starts_with("logStream", ${f.streamPrefix})`);
  if (f.since) where.push(Prisma.sql`"timestamp" >= ${f.since}`);
  if (f.until) where.push(Prisma.sql`"timestamp" < ${f.until}`);
  for (const term of f.terms ?? []) where.push(Prisma.sql`strpos(message, ${term}) > 0`);
  if (f.afterId !== undefined && f.afterId !== null) where.push(Prisma.sql`id > ${f.afterId}`);
  if (f.beforeId !== undefined && f.beforeId !== null) where.push(Prisma.sql`id < ${f.beforeId}`);
  return Prisma.join(where, ' AND ');
}

/** The SQL of log events (Panorama's log groups). */
@Injectable()
export class LogRepository extends Repository {
  /** Lines of a log group in id order (newest first with `newestFirst`), at most `limit`. */
  events(f: LogFilter, limit: number, newestFirst = false): Promise<LogEventRow[]> {
    return this.prisma.$queryRaw<LogEventRow[]>`
      SELECT id, "logGroup", "logStream", "timestamp", message, "ingestedAt" AS "ingestionTime" FROM "LogEvent"
      WHERE ${whereOf(f)} ORDER BY id ${newestFirst ? Prisma.sql`DESC` : Prisma.sql`ASC`} LIMIT ${limit}`;
  }

  /** A log group's streams (those starting with `prefix`, when given), by name. */
  streams(logGroup: string, prefix: string | null) {
    return this.prisma.$queryRaw<{ logStream: string; first: Date; last: Date; lastIngestion: Date; bytes: bigint }[]>`
      SELECT "logStream", min("timestamp") AS first, max("timestamp") AS last, max("ingestedAt") AS "lastIngestion", sum(length(message))::bigint AS bytes
      FROM "LogEvent" WHERE "logGroup" = ${logGroup} ${prefix ? Prisma.sql`AND starts_with("logStream", ${prefix})` : Prisma.empty}
      GROUP BY "logStream" ORDER BY "logStream" LIMIT 50`;
  }

  async insert(line: { deviceId: string; applicationInstanceId: string | null; logGroup: string; logStream: string }, events: { timestamp: number; message: string }[]): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO "LogEvent" ("deviceId", "applicationInstanceId", "logGroup", "logStream", "timestamp", message)
      SELECT ${line.deviceId}, ${line.applicationInstanceId}, ${line.logGroup}, ${line.logStream}, to_timestamp(e.ts / 1000.0), e.message
      FROM unnest(${events.map((e) => e.timestamp)}::float8[], ${events.map((e) => e.message)}::text[]) AS e(ts, message)`;
  }
}
