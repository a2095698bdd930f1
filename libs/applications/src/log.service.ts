import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@edgefleet/db';
import { assertPageSize, decodeCursor, lastPageOf, notFound, pageOf, validationFailed } from '@edgefleet/domain';
import type { Principal } from '@edgefleet/organizations';
import { applicationLogGroup, deviceLogGroup } from './device-applications-api.service';

/**
 * Which lines of a log group: `first` after `after` (oldest first), or the newest `last` before
 * `before` (as `tail` does), within `since` and `until`; 100 from the oldest when neither is given.
 */
export interface LogWindow {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  since?: Date | null;
  until?: Date | null;
}

export interface LogEventView {
  logGroup: string;
  logStream: string;
  timestamp: Date;
  message: string;
  ingestionTime: Date;
}

/** Panorama's log groups, read back: a device's own logs and its applications' node output, oldest first or newest last. */
@Injectable()
export class LogService {
  constructor(private readonly prisma: PrismaService) {}

  async deviceLogs(principal: Principal, args: { deviceId: string; logStream?: string | null } & LogWindow) {
    const device = await this.prisma.device.findFirst({ where: { deviceId: args.deviceId, organizationId: principal.organizationId }, select: { deviceId: true } });
    if (!device) throw notFound('Device', args.deviceId);
    return this.page(deviceLogGroup(device.deviceId), args.logStream ?? null, args);
  }

  async applicationInstanceLogs(principal: Principal, args: { applicationInstanceId: string; nodeName?: string | null } & LogWindow) {
    const instance = await this.prisma.applicationInstance.findFirst({ where: { applicationInstanceId: args.applicationInstanceId, organizationId: principal.organizationId } });
    if (!instance) throw notFound('Application instance', args.applicationInstanceId);
    return this.page(applicationLogGroup(instance.defaultRuntimeContextDevice, instance.applicationInstanceId), args.nodeName ?? null, args);
  }

  /**
   * CloudWatch Logs' view of a log group of this organization: its streams, and events
   * filtered by stream, time range and terms (FilterLogEvents' simplest patterns), by id.
   */
  async streams(principal: Principal, logGroup: string, prefix: string | null) {
    await this.ownGroup(principal, logGroup);
    return this.prisma.$queryRaw<{ logStream: string; first: Date; last: Date; lastIngestion: Date; bytes: bigint }[]>`
      SELECT "logStream", min("timestamp") AS first, max("timestamp") AS last, max("ingestedAt") AS "lastIngestion", sum(length(message))::bigint AS bytes
      FROM "LogEvent" WHERE "logGroup" = ${logGroup} ${prefix ? Prisma.sql`AND starts_with("logStream", ${prefix})` : Prisma.empty}
      GROUP BY "logStream" ORDER BY "logStream" LIMIT 50`;
  }

  async events(principal: Principal, logGroup: string, q: { streams: string[] | null; streamPrefix: string | null; start: Date | null; end: Date | null; terms: string[]; afterId: bigint; limit: number }) {
    await this.ownGroup(principal, logGroup);
    const where = [Prisma.sql`"logGroup" = ${logGroup}`, Prisma.sql`id > ${q.afterId}`];
    if (q.streams) where.push(Prisma.sql`"logStream" = ANY(${q.streams})`);
    if (q.streamPrefix) where.push(Prisma.sql`starts_with("logStream", ${q.streamPrefix})`);
    if (q.start) where.push(Prisma.sql`"timestamp" >= ${q.start}`);
    if (q.end) where.push(Prisma.sql`"timestamp" < ${q.end}`);
    for (const term of q.terms) where.push(Prisma.sql`strpos(message, ${term}) > 0`);
    return this.prisma.$queryRaw<(LogEventView & { id: bigint })[]>`
      SELECT id, "logGroup", "logStream", "timestamp", message, "ingestedAt" AS "ingestionTime" FROM "LogEvent"
      WHERE ${Prisma.join(where, ' AND ')} ORDER BY id LIMIT ${q.limit + 1}`;
  }

  /** A log group names its device: it is this organization's, or it is not found (never "forbidden", which would tell it exists). */
  private async ownGroup(principal: Principal, logGroup: string): Promise<void> {
    const deviceId = /^\/aws\/panorama\/devices\/([a-z0-9-]+)(\/applications\/[A-Za-z0-9_-]+)?$/.exec(logGroup)?.[1];
    const device = deviceId && (await this.prisma.device.findFirst({ where: { deviceId, organizationId: principal.organizationId }, select: { deviceId: true } }));
    if (!device) throw notFound('Log group', logGroup);
  }

  private async page(logGroup: string, logStream: string | null, w: LogWindow) {
    const backwards = w.last !== null && w.last !== undefined;
    if (backwards && (w.first != null || w.after != null)) throw validationFailed('last', 'reads the newest lines; give it with before, not with first or after.');
    if (!backwards && w.before != null) throw validationFailed('before', 'goes with last.');
    const size = (backwards ? w.last : w.first) ?? 100;
    assertPageSize(size, backwards ? 'last' : 'first');
    if (logStream !== null && (logStream.length < 1 || logStream.length > 512)) throw validationFailed('logStream', 'must be 1 to 512 characters.');
    if (w.since && w.until && w.since >= w.until) throw validationFailed('until', 'must be later than since.');
    const where = [Prisma.sql`"logGroup" = ${logGroup}`];
    if (logStream) where.push(Prisma.sql`"logStream" = ${logStream}`);
    if (w.since) where.push(Prisma.sql`"timestamp" >= ${w.since}`);
    if (w.until) where.push(Prisma.sql`"timestamp" < ${w.until}`);
    const cursor = backwards ? w.before : w.after;
    if (cursor) where.push(backwards ? Prisma.sql`id < ${this.idOf(cursor, 'before')}` : Prisma.sql`id > ${this.idOf(cursor, 'after')}`);
    const rows = await this.prisma.$queryRaw<(LogEventView & { id: bigint })[]>`
      SELECT id, "logGroup", "logStream", "timestamp", message, "ingestedAt" AS "ingestionTime" FROM "LogEvent"
      WHERE ${Prisma.join(where, ' AND ')} ORDER BY id ${backwards ? Prisma.sql`DESC` : Prisma.sql`ASC`} LIMIT ${size + 1}`;
    return backwards ? lastPageOf(rows, size, (r) => [String(r.id)]) : pageOf(rows, size, (r) => [String(r.id)]);
  }

  private idOf(cursor: string, argument: string): bigint {
    const value = decodeCursor(cursor, 1, argument)[0];
    if (!/^\d{1,18}$/.test(value)) throw validationFailed(argument, 'is not a cursor returned by this API.', 'INVALID_CURSOR');
    return BigInt(value);
  }
}
