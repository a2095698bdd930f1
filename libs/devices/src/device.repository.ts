import { Injectable } from '@nestjs/common';
import { Prisma, Repository, type Tx } from '@edgefleet/db';
import { type DeviceAggregatedStatus, cursorTimestamp, decodeCursor, encodeCursor, validationFailed } from '@edgefleet/domain';

export type DeviceSortBy = 'DEVICE_ID' | 'CREATED_TIME' | 'NAME';
export type SortOrder = 'ASCENDING' | 'DESCENDING';

export interface DeviceFilter {
  provisioningStatus?: string | null;
  deviceConnectionStatus?: string | null;
  deviceAggregatedStatus?: DeviceAggregatedStatus | null;
  nameContains?: string | null;
  /** Every tag must match; a tag without value matches any value of that key. */
  tags?: { key: string; value?: string | null }[] | null;
}

export interface DeviceListArgs {
  first: number;
  after?: string | null;
  filter?: DeviceFilter | null;
  orderBy?: { field: DeviceSortBy; order: SortOrder } | null;
}

export const MAX_PAGE_SIZE = 100;

const SORT_COLUMN: Record<DeviceSortBy, Prisma.Sql> = {
  DEVICE_ID: Prisma.sql`d."deviceId"`,
  CREATED_TIME: Prisma.sql`d."createdAt"`,
  NAME: Prisma.sql`d."name"`,
};

/**
 * Panorama's DeviceAggregatedStatus in SQL, so lists can filter on it. It mirrors
 * `deviceAggregatedStatus()` in libs/domain; device-aggregated-status.int-spec.ts holds the two together.
 */
export const AGGREGATED_STATUS_SQL = Prisma.sql`CASE
  WHEN d."provisioningStatus" <> 'SUCCEEDED' THEN d."provisioningStatus"::text
  WHEN EXISTS (SELECT 1 FROM "DeviceJob" j WHERE j."deviceId" = d."deviceId" AND j.status = 'REBOOTING') THEN 'REBOOTING'
  WHEN d."leaseExpirationTime" <= now() THEN 'LEASE_EXPIRED'
  WHEN d."deviceConnectionStatus" = 'ERROR' THEN 'ERROR'
  WHEN d."deviceConnectionStatus" <> 'ONLINE' THEN 'OFFLINE'
  WHEN latest.v > CASE WHEN d."currentSoftware" ~ '^\\d{1,9}(\\.\\d{1,9}){0,3}$'
                       THEN string_to_array(d."currentSoftware", '.')::int[] END THEN 'UPDATE_NEEDED'
  ELSE 'ONLINE' END`;

/** The newest software image of the organization, as an int[] for comparison. */
const latestSoftwareCte = (organizationId: string) => Prisma.sql`WITH latest AS (
  SELECT (SELECT string_to_array(version, '.')::int[] FROM "SoftwareImage"
          WHERE "organizationId" = ${organizationId}::uuid AND "uploadedAt" IS NOT NULL
          ORDER BY string_to_array(version, '.')::int[] DESC LIMIT 1) AS v)`;

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

function whereClauses(organizationId: string, filter: DeviceFilter | null | undefined): Prisma.Sql[] {
  const where = [Prisma.sql`d."organizationId" = ${organizationId}::uuid`];
  if (!filter) return where;
  if (filter.provisioningStatus) where.push(Prisma.sql`d."provisioningStatus" = ${filter.provisioningStatus}::"ProvisioningStatus"`);
  if (filter.deviceConnectionStatus) {
    where.push(Prisma.sql`d."deviceConnectionStatus" = ${filter.deviceConnectionStatus}::"DeviceConnectionStatus"`);
  }
  if (filter.nameContains) where.push(Prisma.sql`d."name" ILIKE ${'%' + escapeLike(filter.nameContains) + '%'}`);
  for (const tag of filter.tags ?? []) {
    where.push(
      tag.value === undefined || tag.value === null
        ? Prisma.sql`d."tags" ? ${tag.key}`
        : Prisma.sql`d."tags" @> ${JSON.stringify({ [tag.key]: tag.value })}::jsonb`,
    );
  }
  if (filter.deviceAggregatedStatus) where.push(Prisma.sql`(${AGGREGATED_STATUS_SQL}) = ${filter.deviceAggregatedStatus}`);
  return where;
}

export interface DeviceRow {
  deviceId: string;
  organizationId: string;
  name: string;
  description: string | null;
  type: string;
  brand: string;
  serialNumber: string | null;
  provisioningStatus: string;
  provisioningStatusReason: string | null;
  deviceConnectionStatus: string;
  currentSoftware: string | null;
  currentNetworkingStatus: unknown;
  networkingConfiguration: unknown;
  leaseExpirationTime: Date | null;
  tags: Record<string, string>;
  lastSeenAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  latestSoftware: string | null;
  deviceAggregatedStatus: DeviceAggregatedStatus;
}

/** One page of devices: keyset-paginated on (sort column, deviceId), so pages stay fast at any depth. */
export function devicePageSql(organizationId: string, args: DeviceListArgs, extra: Prisma.Sql[] = []): Prisma.Sql {
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE_SIZE) {
    throw validationFailed('first', `must be between 1 and ${MAX_PAGE_SIZE} (got ${args.first}).`);
  }
  const field = args.orderBy?.field ?? 'CREATED_TIME';
  const desc = args.orderBy?.order === 'DESCENDING';
  const column = SORT_COLUMN[field];
  const where = [...whereClauses(organizationId, args.filter), ...extra];
  if (args.after) {
    const [v, id] = decodeCursor(args.after, 2, 'after');
    const value = field === 'CREATED_TIME' ? Prisma.sql`${cursorTimestamp(v, 'after')}::timestamptz` : Prisma.sql`${v}`;
    where.push(desc ? Prisma.sql`(${column}, d."deviceId") < (${value}, ${id})` : Prisma.sql`(${column}, d."deviceId") > (${value}, ${id})`);
  }
  const direction = desc ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  return Prisma.sql`${latestSoftwareCte(organizationId)}
    SELECT d."deviceId", d."organizationId", d."name", d."description", d."type", d."brand", d."serialNumber",
           d."provisioningStatus", d."provisioningStatusReason", d."deviceConnectionStatus", d."currentSoftware",
           d."currentNetworkingStatus", d."networkingConfiguration", d."leaseExpirationTime", d."tags", d."lastSeenAt", d."createdAt", d."updatedAt",
           array_to_string(latest.v, '.') AS "latestSoftware",
           ${AGGREGATED_STATUS_SQL} AS "deviceAggregatedStatus"
    FROM "Device" d CROSS JOIN latest
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${column} ${direction}, d."deviceId" ${direction}
    LIMIT ${args.first + 1}`;
}

export function cursorOf(row: DeviceRow, field: DeviceSortBy = 'CREATED_TIME'): string {
  const v = field === 'CREATED_TIME' ? row.createdAt.toISOString() : field === 'NAME' ? row.name : row.deviceId;
  return encodeCursor([v, row.deviceId]);
}

/** What a rollout targets: devices by ids, by tags, by a filter, by thing group, or a group deployment's devices. */
export interface DeviceTarget {
  deviceIds?: string[] | null;
  tags?: { key: string; value?: string | null }[] | null;
  filter?: Record<string, unknown> | null;
  groupId?: string | null;
  /** The devices where this group deployment applies (deploymentWinsOn). */
  deploymentId?: string | null;
}

/**
 * Where a group deployment (`w`, a "Deployment" row) applies on a device: it is active, the
 * device is in its group, and no other active deployment reaching the device names the same
 * application instance with a higher priority (or the same, and was created first).
 */
export function deploymentWinsOn(device: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`w.status = 'ACTIVE'
    AND EXISTS (SELECT 1 FROM "ThingGroupMember" m WHERE m."groupId" = w."groupId" AND m."deviceId" = ${device})
    AND NOT EXISTS (SELECT 1 FROM "Deployment" o JOIN "ThingGroupMember" om ON om."groupId" = o."groupId" AND om."deviceId" = ${device}
      WHERE o.status = 'ACTIVE' AND o."organizationId" = w."organizationId" AND o.id <> w.id AND o."applicationInstanceName" = w."applicationInstanceName"
        AND (o.priority > w.priority OR (o.priority = w.priority AND (o."createdAt", o.id) < (w."createdAt", w.id))))`;
}

export interface TargetDevice {
  deviceId: string;
  name: string;
  online: boolean;
}

function targetWhere(organizationId: string, target: DeviceTarget, notInRollout: string | null | undefined): Prisma.Sql {
  const extra = [Prisma.sql`d."provisioningStatus" = 'SUCCEEDED'`];
  if (target.deviceIds) extra.push(Prisma.sql`d."deviceId" = ANY(${target.deviceIds})`);
  if (target.groupId) extra.push(Prisma.sql`EXISTS (SELECT 1 FROM "ThingGroupMember" m WHERE m."groupId" = ${target.groupId}::uuid AND m."deviceId" = d."deviceId")`);
  if (target.deploymentId) extra.push(Prisma.sql`EXISTS (SELECT 1 FROM "Deployment" w WHERE w.id = ${target.deploymentId}::uuid AND ${deploymentWinsOn(Prisma.sql`d."deviceId"`)})`);
  if (notInRollout) {
    extra.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM "DeviceJob" j WHERE j."rolloutId" = ${notInRollout}::uuid AND j."deviceId" = d."deviceId")`);
    // A deployment rollout's jobs are application instances.
    extra.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM "ApplicationInstance" a WHERE a."rolloutId" = ${notInRollout}::uuid AND a."defaultRuntimeContextDevice" = d."deviceId")`);
  }
  const filter = (target.tags ? { tags: target.tags } : (target.filter ?? null)) as DeviceFilter | null;
  return Prisma.join([...whereClauses(organizationId, filter), ...extra], ' AND ');
}

/** The SQL of the devices feature. */
@Injectable()
export class DeviceRepository extends Repository {
  page(organizationId: string, args: DeviceListArgs, extra: Prisma.Sql[] = []): Promise<DeviceRow[]> {
    return this.prisma.$queryRaw<DeviceRow[]>(devicePageSql(organizationId, args, extra));
  }

  /** One device as a page shows it. */
  async one(organizationId: string, deviceId: string): Promise<DeviceRow | undefined> {
    return (await this.page(organizationId, { first: 1 }, [Prisma.sql`d."deviceId" = ${deviceId}`]))[0];
  }

  async count(organizationId: string, filter: DeviceFilter | null | undefined): Promise<number> {
    const [{ n }] = await this.prisma.$queryRaw<{ n: number }[]>`${latestSoftwareCte(organizationId)}
      SELECT count(*)::int AS n FROM "Device" d CROSS JOIN latest WHERE ${Prisma.join(whereClauses(organizationId, filter), ' AND ')}`;
    return n;
  }

  /**
   * Devices per aggregated status (`byStatus`) and per software version, most common first, in one
   * pass over the organization's devices.
   */
  summary(organizationId: string): Promise<{ byStatus: boolean; status: DeviceAggregatedStatus; software: string | null; count: number }[]> {
    return this.prisma.$queryRaw`${latestSoftwareCte(organizationId)},
      fleet AS (SELECT ${AGGREGATED_STATUS_SQL} AS status, d."currentSoftware" AS software FROM "Device" d CROSS JOIN latest WHERE d."organizationId" = ${organizationId}::uuid)
      SELECT GROUPING(software) = 1 AS "byStatus", status, software, count(*)::int AS count
      FROM fleet GROUP BY GROUPING SETS ((status), (software)) ORDER BY count DESC, status, software`;
  }

  /** Provisioned devices a target selects, by deviceId; with `notInRollout`, only those without a job of that rollout yet. */
  targets(db: Tx | undefined, organizationId: string, target: DeviceTarget, opts: { notInRollout?: string | null; limit: number }): Promise<TargetDevice[]> {
    return (db ?? this.prisma).$queryRaw<TargetDevice[]>`${latestSoftwareCte(organizationId)}
      SELECT d."deviceId", d.name, (d."deviceConnectionStatus" = 'ONLINE') AS online FROM "Device" d CROSS JOIN latest
      WHERE ${targetWhere(organizationId, target, opts.notInRollout)} ORDER BY d."deviceId" LIMIT ${opts.limit}`;
  }

  async countTargets(organizationId: string, target: DeviceTarget, notInRollout: string): Promise<number> {
    const [{ n }] = await this.prisma.$queryRaw<{ n: number }[]>`${latestSoftwareCte(organizationId)}
      SELECT count(*)::int AS n FROM "Device" d CROSS JOIN latest WHERE ${targetWhere(organizationId, target, notInRollout)}`;
    return n;
  }

  /** The device's tags, its row locked for the rest of the transaction (concurrent tag changes apply one after the other). */
  async lockTags(tx: Tx, organizationId: string, deviceId: string): Promise<Record<string, string> | undefined> {
    const [device] = await tx.$queryRaw<{ tags: Record<string, string> }[]>`
      SELECT tags FROM "Device" WHERE "deviceId" = ${deviceId} AND "organizationId" = ${organizationId}::uuid FOR UPDATE`;
    return device?.tags;
  }

  async exists(organizationId: string, deviceId: string): Promise<boolean> {
    return !!(await this.prisma.device.findFirst({ where: { deviceId, organizationId }, select: { deviceId: true } }));
  }

  /** Which organization each of these devices is in (those that exist). */
  owners(deviceIds: string[]): Promise<{ deviceId: string; organizationId: string }[]> {
    return this.prisma.device.findMany({ where: { deviceId: { in: deviceIds } }, select: { deviceId: true, organizationId: true } });
  }

  find(organizationId: string, deviceId: string, tx?: Tx) {
    return (tx ?? this.prisma).device.findFirst({ where: { deviceId, organizationId } });
  }

  /** Any organization's device (workers, devices themselves). */
  byId(deviceId: string, tx?: Tx) {
    return (tx ?? this.prisma).device.findUnique({ where: { deviceId } });
  }

  /**
   * The organization's device count, its row locked: one creation at a time per organization, so
   * concurrent requests cannot overshoot the quota (the count is the one a trigger keeps on the row:
   * counting the fleet made every creation slower as the fleet grew).
   */
  async lockDeviceCount(tx: Tx, organizationId: string): Promise<number> {
    const [{ deviceCount }] = await tx.$queryRaw<{ deviceCount: number }[]>`SELECT "deviceCount" FROM "Organization" WHERE id = ${organizationId}::uuid FOR UPDATE`;
    return deviceCount;
  }

  async nameTaken(tx: Tx, organizationId: string, name: string): Promise<boolean> {
    return !!(await tx.device.findFirst({ where: { organizationId, name }, select: { deviceId: true } }));
  }

  /** A new device, AWAITING_PROVISIONING, with its first event row. */
  async insert(tx: Tx, d: { deviceId: string; organizationId: string; name: string; description: string | null; tags: Record<string, string>; networkingConfiguration?: object; brand?: 'AWS_PANORAMA' | 'LENOVO' }, actor: string) {
    const device = await tx.device.create({ data: d });
    await tx.deviceEvent.create({ data: { deviceId: device.deviceId, field: 'provisioningStatus', from: null, to: device.provisioningStatus, actor } });
    return device;
  }

  /** Removes the device and everything that hangs off it (the foreign keys cascade). */
  async delete(deviceId: string, tx?: Tx): Promise<void> {
    await (tx ?? this.prisma).device.delete({ where: { deviceId } });
  }

  /** Sets the description unless the device is being deleted: whether it did. */
  async describe(tx: Tx, organizationId: string, deviceId: string, description: string | null): Promise<boolean> {
    const updated = await tx.device.updateMany({ where: { deviceId, organizationId, provisioningStatus: { not: 'DELETING' } }, data: { description } });
    return updated.count === 1;
  }

  async tags(organizationId: string, deviceId: string): Promise<Record<string, string> | undefined> {
    return (await this.prisma.device.findFirst({ where: { deviceId, organizationId }, select: { tags: true } }))?.tags as Record<string, string> | undefined;
  }

  async setTags(tx: Tx, deviceId: string, tags: Record<string, string>): Promise<void> {
    await tx.device.update({ where: { deviceId }, data: { tags } });
  }

  /** Devices whose provisioning bundle expired unused while they could still fail. */
  expiredClaims(now: Date, sources: string[]) {
    return this.prisma.device.findMany({
      where: {
        provisioningStatus: { in: sources as never[] },
        certificates: { some: { kind: 'CLAIM' } },
        NOT: { certificates: { some: { kind: 'CLAIM', notAfter: { gt: now } } } },
      },
      select: { deviceId: true, provisioningStatus: true, organizationId: true },
      take: 1000,
    });
  }

  /**
   * Records a new session, its row locked, unless a newer connection is recorded already (a late
   * event from a replaced session): whether it did.
   */
  async recordSession(tx: Tx, deviceId: string, s: { session: string; connectedAt: Date; seenAt: Date; keepAliveSeconds: number }): Promise<boolean> {
    const [before] = await tx.$queryRaw<{ connectedAt: Date | null }[]>`SELECT "connectedAt" FROM "Device" WHERE "deviceId" = ${deviceId} FOR UPDATE`;
    // Ordered by connection time, not by when events are processed: a newer session always wins.
    if (!before || (before.connectedAt && before.connectedAt > s.connectedAt)) return false;
    await tx.device.update({ where: { deviceId }, data: { connectionSession: s.session, connectedAt: s.connectedAt, lastSeenAt: s.seenAt, keepAliveSeconds: s.keepAliveSeconds } });
    return true;
  }

  /** The live sessions' devices stay ONLINE: seen now. */
  async heartbeat(sessions: string[], at: Date): Promise<void> {
    await this.prisma.device.updateMany({ where: { connectionSession: { in: sessions }, deviceConnectionStatus: 'ONLINE' }, data: { lastSeenAt: at } });
  }

  /**
   * `system` reports into their device rows, in the caller's transaction, one statement for all,
   * each only if its shadow version is newer than the last projected: late messages never move a
   * device back. The devices whose row changed.
   */
  async writeSystemReports(tx: Tx, items: { deviceId: string; version: number; currentSoftware: string | null; serialNumber: string | null; type: string | null; networking: object | null }[]): Promise<Set<string>> {
    const moved = await tx.$queryRaw<{ deviceId: string }[]>`
      UPDATE "Device" d SET
        "systemShadowVersion" = v.version,
        "currentSoftware" = coalesce(v."currentSoftware", d."currentSoftware"),
        "systemReportedAt" = CASE WHEN v."currentSoftware" IS NULL THEN d."systemReportedAt" ELSE now() END,
        "serialNumber" = coalesce(v."serialNumber", d."serialNumber"),
        type = coalesce(v.type::"DeviceType", d.type),
        "currentNetworkingStatus" = coalesce(v.networking, d."currentNetworkingStatus"),
        "updatedAt" = now()
      FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS v("deviceId" text, version int, "currentSoftware" text, "serialNumber" text, type text, networking jsonb)
      WHERE d."deviceId" = v."deviceId" AND d."systemShadowVersion" < v.version
      RETURNING d."deviceId"`;
    return new Set(moved.map((m) => m.deviceId));
  }
}
