import { Injectable } from '@nestjs/common';
import { type FleetQuery, matchesFleetQuery, parseFleetQuery } from '@edgefleet/domain';
import { GroupRepository } from './group.repository';

const PAGE = 1000;

/**
 * Dynamic groups' membership, in the worker: a device is evaluated again whenever what a query
 * reads changes (the Device trigger's outbox rows: rows read per change are the device, its
 * organization's dynamic groups and its memberships, whatever the fleet's size), and a group's
 * whole organization when its query is new. Devices that join or leave get their group
 * deployments brought up to date.
 */
@Injectable()
export class GroupMembership {
  private readonly parsed = new Map<string, FleetQuery>();

  constructor(private readonly groups: GroupRepository) {}

  /** Evaluates every dynamic group of the device's organization for the device. Returns how many memberships changed. */
  evaluateDevice(deviceId: string): Promise<number> {
    return this.groups.transaction(async (tx) => {
      const device = await this.groups.subject(tx, deviceId);
      if (!device) return 0; // deleted meanwhile: its memberships went with it
      const groups = await this.groups.dynamicGroups(tx, device.organizationId);
      const current = await this.groups.dynamicMemberships(tx, deviceId);
      const joins: { groupId: string; deviceId: string }[] = [];
      const leaves: { groupId: string; deviceId: string }[] = [];
      for (const g of groups) {
        const member = matchesFleetQuery(this.query(g.queryString!), device);
        if (member && !current.has(g.id)) joins.push({ groupId: g.id, deviceId });
        if (!member && current.has(g.id)) leaves.push({ groupId: g.id, deviceId });
      }
      const moved = [...(await this.groups.join(tx, joins)), ...(await this.groups.leave(tx, leaves))];
      if (moved.length) await this.groups.reconcileDeploymentsLater(tx, [deviceId]);
      return moved.length;
    });
  }

  /** Evaluates a dynamic group's query over its organization's devices, a page at a time. Returns how many memberships changed. */
  async evaluateGroup(groupId: string): Promise<number> {
    const group = await this.groups.byId(groupId);
    if (!group?.queryString) return 0;
    const query = this.query(group.queryString);
    let after = '';
    let changed = 0;
    for (;;) {
      const page = await this.groups.subjects(group.organizationId, after, PAGE);
      const last = page.length < PAGE ? null : page.at(-1)!.deviceId;
      const matching = page.filter((d) => matchesFleetQuery(query, d)).map((d) => d.deviceId);
      changed += await this.groups.transaction(async (tx) => {
        const joined = await this.groups.join(tx, matching.map((deviceId) => ({ groupId, deviceId })));
        const left = await this.groups.leaveExcept(tx, groupId, after, last, matching);
        await this.groups.reconcileDeploymentsLater(tx, [...joined, ...left]);
        return joined.length + left.length;
      });
      if (last === null) return changed;
      after = last;
    }
  }

  private query(text: string): FleetQuery {
    let q = this.parsed.get(text);
    if (!q) {
      if (this.parsed.size > 10_000) this.parsed.clear();
      this.parsed.set(text, (q = parseFleetQuery(text)));
    }
    return q;
  }
}
