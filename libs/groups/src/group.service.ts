import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { Prisma } from '@edgefleet/db';
import {
  DomainError,
  assertDescription,
  assertPageSize,
  notFound,
  pageOf,
  parseFleetQuery,
  readsConnectivity,
  thingGroupArn,
  validationFailed,
} from '@edgefleet/domain';
import { AuditService, OrganizationService, type Principal } from '@edgefleet/organizations';
import { GroupRepository, type MemberRow, type ThingGroupRow } from './group.repository';

/** AWS IoT's thing group names. */
const GROUP_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const DEVICE_ID = /^device-[a-z2-7]{26}$/;

export interface ThingGroupInput {
  thingGroupName: string;
  description?: string | null;
  /** A dynamic group's fleet-indexing query; without one the group is static. */
  queryString?: string | null;
}

export interface ThingGroupView extends ThingGroupRow {
  arn: string;
  dynamic: boolean;
  memberCount: () => Promise<number>;
}

/**
 * Thing groups (AWS IoT's CreateThingGroup, CreateDynamicThingGroup, DescribeThingGroup,
 * ListThingGroups, UpdateThingGroup, UpdateDynamicThingGroup, DeleteThingGroup,
 * AddThingToThingGroup, RemoveThingFromThingGroup, ListThingsInThingGroup,
 * ListThingGroupsForThing) per organization. A static group's members are added and removed;
 * a dynamic group's follow its query (GroupMembership, in the worker).
 */
@Injectable()
export class GroupService {
  constructor(
    private readonly groups: GroupRepository,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async create(principal: Principal, input: ThingGroupInput): Promise<ThingGroupView> {
    assertGroupName(input.thingGroupName);
    if (input.description) assertDescription('description', input.description);
    const query = input.queryString != null ? parseFleetQuery(input.queryString) : null;
    try {
      const row = await this.groups.transaction(async (tx) => {
        const group = await this.groups.insert(tx, {
          organizationId: principal.organizationId,
          name: input.thingGroupName,
          description: input.description ?? null,
          queryString: input.queryString ?? null,
          readsConnectivity: query ? readsConnectivity(query) : false,
        });
        if (query) await this.groups.evaluateLater(tx, group.id, group.version);
        await this.audit.record(tx, principal, { action: 'thingGroup.create', targetType: 'ThingGroup', targetId: group.name, details: { queryString: group.queryString } });
        return group;
      });
      return this.view(row);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw new DomainError('ALREADY_EXISTS', `Thing group ${input.thingGroupName} already exists.`, { id: input.thingGroupName });
      }
      throw err;
    }
  }

  async get(principal: Principal, name: string): Promise<ThingGroupView> {
    return this.view(await this.row(principal, name));
  }

  async list(principal: Principal, args: { first: number; after?: string | null; namePrefix?: string | null; dynamic?: boolean | null }) {
    assertPageSize(args.first);
    const rows = await this.groups.page(principal.organizationId, args);
    const accountId = await this.organizations.accountId(principal.organizationId);
    return pageOf(
      rows.map((r) => this.viewOf(r, accountId)),
      args.first,
      (g) => [g.name],
    );
  }

  /** UpdateThingGroup / UpdateDynamicThingGroup: the description, and a dynamic group's query (its members are evaluated again). */
  async update(principal: Principal, name: string, input: { description?: string | null; queryString?: string | null; expectedVersion?: number | null }): Promise<ThingGroupView> {
    if (input.description) assertDescription('description', input.description);
    const row = await this.groups.transaction(async (tx) => {
      const group = await this.groups.find(principal.organizationId, name, tx);
      if (!group) throw notFound('Thing group', name);
      if (input.expectedVersion != null && input.expectedVersion !== group.version) {
        throw new DomainError('VERSION_CONFLICT', `Thing group ${name} is at version ${group.version}, not ${input.expectedVersion}.`);
      }
      const query = input.queryString != null ? parseFleetQuery(input.queryString) : null;
      if (query && group.queryString === null) throw validationFailed('queryString', `${name} is a static group: it has no query.`);
      const updated = await this.groups.update(tx, group.id, {
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(query ? { queryString: input.queryString!, readsConnectivity: readsConnectivity(query) } : {}),
      });
      if (query) await this.groups.evaluateLater(tx, updated.id, updated.version);
      await this.audit.record(tx, principal, { action: 'thingGroup.update', targetType: 'ThingGroup', targetId: name, details: { queryString: input.queryString ?? null } });
      return updated;
    });
    return this.view(row);
  }

  /** DeleteThingGroup: refused while an active deployment targets it (or when not at `expectedVersion`); its members leave. */
  async delete(principal: Principal, name: string, expectedVersion?: number | null): Promise<ThingGroupView> {
    const group = await this.row(principal, name);
    await this.groups.transaction(async (tx) => {
      if (expectedVersion != null && expectedVersion !== group.version) {
        throw new DomainError('VERSION_CONFLICT', `Thing group ${name} is at version ${group.version}, not ${expectedVersion}.`);
      }
      const deployment = await this.groups.inUse(tx, group.id);
      if (deployment) throw new DomainError('GROUP_IN_USE', `Thing group ${name} is the target of deployment ${deployment}; cancel it first.`);
      await this.groups.delete(tx, group.id);
      await this.audit.record(tx, principal, { action: 'thingGroup.delete', targetType: 'ThingGroup', targetId: name });
    });
    return this.view(group);
  }

  /** AddThingToThingGroup (static groups); adding a member again changes nothing. */
  addThing(principal: Principal, name: string, deviceId: string): Promise<ThingGroupView> {
    return this.changeMembers(principal, name, deviceId, 'add');
  }

  /** RemoveThingFromThingGroup (static groups); the device's group deployments are removed from it. */
  removeThing(principal: Principal, name: string, deviceId: string): Promise<ThingGroupView> {
    return this.changeMembers(principal, name, deviceId, 'remove');
  }

  async members(principal: Principal, name: string, args: { first: number; after?: string | null }) {
    assertPageSize(args.first);
    const group = await this.row(principal, name);
    return pageOf<MemberRow>(await this.groups.members(group.id, args), args.first, (m) => [m.deviceId]);
  }

  /** ListThingGroupsForThing. */
  async ofDevice(principal: Principal, deviceId: string): Promise<ThingGroupView[]> {
    const accountId = await this.organizations.accountId(principal.organizationId);
    return (await this.groups.ofDevice(principal.organizationId, deviceId)).map((g) => this.viewOf(g, accountId));
  }

  private async changeMembers(principal: Principal, name: string, deviceId: string, change: 'add' | 'remove'): Promise<ThingGroupView> {
    const group = await this.row(principal, name);
    if (group.queryString !== null) {
      throw new DomainError('DYNAMIC_GROUP_MEMBERSHIP', `${name} is a dynamic group: its query decides its members; change the device's tags or the query instead.`);
    }
    await this.groups.transaction(async (tx) => {
      if (!DEVICE_ID.test(deviceId) || !(await this.groups.deviceExists(tx, principal.organizationId, deviceId))) throw notFound('Device', deviceId);
      const pair = [{ groupId: group.id, deviceId }];
      const moved = change === 'add' ? await this.groups.join(tx, pair) : await this.groups.leave(tx, pair);
      if (moved.length === 0) return;
      await this.groups.reconcileDeploymentsLater(tx, moved);
      await this.audit.record(tx, principal, { action: change === 'add' ? 'thingGroup.addThing' : 'thingGroup.removeThing', targetType: 'ThingGroup', targetId: name, details: { deviceId } });
    });
    return this.view(group);
  }

  private async row(principal: Principal, name: string): Promise<ThingGroupRow> {
    const group = GROUP_NAME.test(name) ? await this.groups.find(principal.organizationId, name) : null;
    if (!group) throw notFound('Thing group', name);
    return group;
  }

  private async view(row: ThingGroupRow): Promise<ThingGroupView> {
    return this.viewOf(row, await this.organizations.accountId(row.organizationId));
  }

  private viewOf(row: ThingGroupRow, accountId: string): ThingGroupView {
    return { ...row, arn: thingGroupArn(this.config.REGION, accountId, row.name), dynamic: row.queryString !== null, memberCount: () => this.groups.memberCount(row.id) };
  }
}

function assertGroupName(name: string): void {
  if (typeof name !== 'string' || !GROUP_NAME.test(name)) throw validationFailed('thingGroupName', `"${String(name).slice(0, 140)}" must be 1 to 128 characters of a-z, A-Z, 0-9, :, _ and -.`);
}
