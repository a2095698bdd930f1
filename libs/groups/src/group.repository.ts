import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Prisma, Repository, type Tx } from '@edgefleet/db';
import { type GroupSubject, decodeCursor } from '@edgefleet/domain';
import { outbox } from '@edgefleet/queue';

export interface ThingGroupRow {
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  queryString: string | null;
  readsConnectivity: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type NewThingGroup = Pick<ThingGroupRow, 'organizationId' | 'name' | 'description' | 'queryString' | 'readsConnectivity'>;

export interface MemberRow {
  deviceId: string;
  name: string;
  addedAt: Date;
}

/** The SQL of thing groups and their members. */
@Injectable()
export class GroupRepository extends Repository {
  insert(tx: Tx, g: NewThingGroup): Promise<ThingGroupRow> {
    return tx.thingGroup.create({ data: g });
  }

  find(organizationId: string, name: string, tx?: Tx): Promise<ThingGroupRow | null> {
    return (tx ?? this.prisma).thingGroup.findUnique({ where: { organizationId_name: { organizationId, name } } });
  }

  byId(id: string, tx?: Tx): Promise<ThingGroupRow | null> {
    return (tx ?? this.prisma).thingGroup.findUnique({ where: { id } });
  }

  /** Groups by name, after the cursor's name; dynamic or static only when asked. */
  page(organizationId: string, args: { first: number; after?: string | null; namePrefix?: string | null; dynamic?: boolean | null }): Promise<ThingGroupRow[]> {
    const after = args.after ? decodeCursor(args.after, 1, 'after')[0] : undefined;
    return this.prisma.thingGroup.findMany({
      where: {
        organizationId,
        ...(after !== undefined ? { name: { gt: after } } : {}),
        ...(args.namePrefix ? { AND: [{ name: { startsWith: args.namePrefix } }] } : {}),
        ...(args.dynamic === true ? { queryString: { not: null } } : args.dynamic === false ? { queryString: null } : {}),
      },
      orderBy: { name: 'asc' },
      take: args.first + 1,
    });
  }

  update(tx: Tx, id: string, data: Partial<Pick<ThingGroupRow, 'description' | 'queryString' | 'readsConnectivity'>>): Promise<ThingGroupRow> {
    return tx.thingGroup.update({ where: { id }, data: { ...data, version: { increment: 1 } } });
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await tx.thingGroup.delete({ where: { id } });
  }

  /** Whether an active deployment targets the group. */
  async inUse(tx: Tx, groupId: string): Promise<string | undefined> {
    return (await tx.deployment.findFirst({ where: { groupId, status: 'ACTIVE' }, select: { name: true } }))?.name;
  }

  async deviceExists(tx: Tx, organizationId: string, deviceId: string): Promise<boolean> {
    return (await tx.device.count({ where: { deviceId, organizationId } })) > 0;
  }

  /** The group's members by deviceId, after the cursor's. */
  members(groupId: string, args: { first: number; after?: string | null }): Promise<MemberRow[]> {
    const after = args.after ? decodeCursor(args.after, 1, 'after')[0] : undefined;
    return this.prisma.$queryRaw<MemberRow[]>`
      SELECT m."deviceId", d.name, m."addedAt" FROM "ThingGroupMember" m JOIN "Device" d ON d."deviceId" = m."deviceId"
      WHERE m."groupId" = ${groupId}::uuid ${after !== undefined ? Prisma.sql`AND m."deviceId" > ${after}` : Prisma.empty}
      ORDER BY m."deviceId" LIMIT ${args.first + 1}`;
  }

  async memberCount(groupId: string): Promise<number> {
    return this.prisma.thingGroupMember.count({ where: { groupId } });
  }

  /** The groups a device is in, by name. */
  ofDevice(organizationId: string, deviceId: string): Promise<ThingGroupRow[]> {
    return this.prisma.thingGroup.findMany({ where: { organizationId, members: { some: { deviceId } } }, orderBy: { name: 'asc' } });
  }

  /** The device as group queries see it, locked until the transaction ends (one evaluation of a device at a time). */
  async subject(tx: Tx, deviceId: string): Promise<(GroupSubject & { organizationId: string }) | undefined> {
    const [d] = await tx.$queryRaw<(GroupSubject & { organizationId: string })[]>`
      SELECT "deviceId", "organizationId", name, type::text, brand::text, "currentSoftware", "provisioningStatus"::text, "deviceConnectionStatus"::text, tags
      FROM "Device" WHERE "deviceId" = ${deviceId} FOR UPDATE`;
    return d;
  }

  /** The organization's devices as group queries see them, a page at a time by deviceId. */
  subjects(organizationId: string, after: string, limit: number): Promise<GroupSubject[]> {
    return this.prisma.$queryRaw<GroupSubject[]>`
      SELECT "deviceId", name, type::text, brand::text, "currentSoftware", "provisioningStatus"::text, "deviceConnectionStatus"::text, tags
      FROM "Device" WHERE "organizationId" = ${organizationId}::uuid AND "deviceId" > ${after} ORDER BY "deviceId" LIMIT ${limit}`;
  }

  dynamicGroups(tx: Tx, organizationId: string): Promise<Pick<ThingGroupRow, 'id' | 'queryString'>[]> {
    return tx.thingGroup.findMany({ where: { organizationId, queryString: { not: null } }, select: { id: true, queryString: true } });
  }

  /** The device's memberships of dynamic groups. */
  async dynamicMemberships(tx: Tx, deviceId: string): Promise<Set<string>> {
    const rows = await tx.thingGroupMember.findMany({ where: { deviceId, group: { queryString: { not: null } } }, select: { groupId: true } });
    return new Set(rows.map((r) => r.groupId));
  }

  /** Members among these devices. */
  async membersAmong(tx: Tx, groupId: string, deviceIds: string[]): Promise<Set<string>> {
    const rows = await tx.thingGroupMember.findMany({ where: { groupId, deviceId: { in: deviceIds } }, select: { deviceId: true } });
    return new Set(rows.map((r) => r.deviceId));
  }

  /** Adds memberships; returns the devices that joined (not already members). */
  async join(tx: Tx, pairs: { groupId: string; deviceId: string }[]): Promise<string[]> {
    if (pairs.length === 0) return [];
    const rows = await tx.$queryRaw<{ deviceId: string }[]>`
      INSERT INTO "ThingGroupMember" ("groupId", "deviceId")
      SELECT g::uuid, d FROM unnest(${pairs.map((p) => p.groupId)}::text[], ${pairs.map((p) => p.deviceId)}::text[]) AS x(g, d)
      ON CONFLICT DO NOTHING RETURNING "deviceId"`;
    return rows.map((r) => r.deviceId);
  }

  /** Removes memberships; returns the devices that left. */
  async leave(tx: Tx, pairs: { groupId: string; deviceId: string }[]): Promise<string[]> {
    if (pairs.length === 0) return [];
    const rows = await tx.$queryRaw<{ deviceId: string }[]>`
      DELETE FROM "ThingGroupMember" m USING unnest(${pairs.map((p) => p.groupId)}::text[], ${pairs.map((p) => p.deviceId)}::text[]) AS x(g, d)
      WHERE m."groupId" = x.g::uuid AND m."deviceId" = x.d RETURNING m."deviceId"`;
    return rows.map((r) => r.deviceId);
  }

  /** The group's members not among `keep` (whose deviceIds lie in (from, to]): removed; returns them. */
  async leaveExcept(tx: Tx, groupId: string, from: string, to: string | null, keep: string[]): Promise<string[]> {
    const rows = await tx.$queryRaw<{ deviceId: string }[]>`
      DELETE FROM "ThingGroupMember" WHERE "groupId" = ${groupId}::uuid AND "deviceId" > ${from}
        ${to === null ? Prisma.empty : Prisma.sql`AND "deviceId" <= ${to}`} AND NOT ("deviceId" = ANY(${keep}))
      RETURNING "deviceId"`;
    return rows.map((r) => r.deviceId);
  }

  /** Asks the worker to bring the devices' group deployments up to date (joined, left). */
  reconcileDeploymentsLater(tx: Tx, deviceIds: string[]): Promise<void> {
    return outbox.enqueue(tx, 'applications', 'reconcile-deployments', deviceIds.map((deviceId) => ({ payload: { deviceId }, key: `reconcile-deployments-${deviceId}-${randomUUID()}` })));
  }

  /** Asks the worker to evaluate a dynamic group's query over the whole organization. */
  evaluateLater(tx: Tx, groupId: string, version: number): Promise<void> {
    return outbox.enqueue(tx, 'groups', 'evaluate-group', [{ payload: { groupId }, key: `groups-evaluate-${groupId}-v${version}` }]);
  }
}
