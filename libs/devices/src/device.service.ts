import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import type { Tx } from '@edgefleet/db';
import {
  type DeviceAggregatedStatus,
  DomainError,
  assertResourceName,
  assertWithinQuota,
  newDeviceId,
  type TagInput,
  type Tags,
  assertDescription,
  assertTagInputs,
  deviceArn,
  mergeTags,
  notFound,
  provisioningMachine,
  removeTags,
  validationFailed,
  type PageInfo,
} from '@edgefleet/domain';
import { AuditService, OrganizationService, type Principal, actorOf } from '@edgefleet/organizations';
import { outbox } from '@edgefleet/queue';
import { moveProvisioning } from './device.transitions';
import { type DeviceListArgs, DeviceRepository, type DeviceRow, cursorOf } from './device.repository';

export interface NewDevice {
  name: string;
  description?: string | null;
  tags?: TagInput[] | null;
  networkingConfiguration?: unknown;
  /** Panorama's Brand: AWS_PANORAMA (the default) or LENOVO. */
  brand?: 'AWS_PANORAMA' | 'LENOVO' | null;
}

export interface DeviceView extends DeviceRow {
  arn: string;
}

export interface DeviceConnection {
  edges: { cursor: string; node: DeviceView }[];
  pageInfo: PageInfo;
  /** Counts every match across pages; called only when asked for. */
  count: () => Promise<number>;
}

export interface FleetSummary {
  total: number;
  byAggregatedStatus: { status: DeviceAggregatedStatus; count: number }[];
  bySoftware: { software: string | null; count: number }[];
}

/** ARNs of devices: arn:aws:panorama:<region>:<accountId>:device/<deviceId>. */
const DEVICE_ARN = /^arn:aws:panorama:[a-z0-9-]+:\d{12}:device\/(device-[a-z2-7]{26})$/;

@Injectable()
export class DeviceService {
  constructor(
    private readonly devices: DeviceRepository,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async list(principal: Principal, args: DeviceListArgs): Promise<DeviceConnection> {
    const rows = await this.devices.page(principal.organizationId, args);
    const hasNextPage = rows.length > args.first;
    const page = rows.slice(0, args.first);
    const accountId = await this.organizations.accountId(principal.organizationId);
    const field = args.orderBy?.field;
    const edges = page.map((row) => ({ cursor: cursorOf(row, field), node: this.view(row, accountId) }));
    return {
      edges,
      pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null },
      count: () => this.devices.count(principal.organizationId, args.filter),
    };
  }

  /** The fleet at a glance: how many devices, per aggregated status and per software version (most common first). */
  async summary(principal: Principal): Promise<FleetSummary> {
    const rows = await this.devices.summary(principal.organizationId);
    const byAggregatedStatus = rows.filter((r) => r.byStatus).map(({ status, count }) => ({ status, count }));
    return {
      total: byAggregatedStatus.reduce((n, r) => n + r.count, 0),
      byAggregatedStatus,
      bySoftware: rows.filter((r) => !r.byStatus).map(({ software, count }) => ({ software, count })),
    };
  }

  async get(principal: Principal, deviceId: string): Promise<DeviceView> {
    const row = await this.devices.one(principal.organizationId, deviceId);
    if (!row) throw notFound('Device', deviceId);
    return this.view(row, await this.organizations.accountId(principal.organizationId));
  }

  /**
   * Devices as they are now, each with its organization, for relaying changes to that
   * organization's subscribers (not a caller's view: no principal).
   */
  async changed(deviceIds: string[]): Promise<DeviceView[]> {
    const views: DeviceView[] = [];
    for (const { deviceId, organizationId } of await this.devices.owners(deviceIds)) {
      const row = await this.devices.one(organizationId, deviceId);
      if (row) views.push(this.view(row, await this.organizations.accountId(organizationId)));
    }
    return views;
  }

  /** Whether the organization has this device (any status). */
  exists(organizationId: string, deviceId: string): Promise<boolean> {
    return this.devices.exists(organizationId, deviceId);
  }

  /**
   * Registers a new device (AWAITING_PROVISIONING): name rules, unique name per organization,
   * and the organization's device quota.
   */
  create(principal: Principal, input: NewDevice, deviceQuota: number) {
    return this.devices.transaction((tx) => this.insert(tx, principal, input, deviceQuota));
  }

  private async insert(tx: Tx, principal: Principal, input: NewDevice, deviceQuota: number) {
    assertResourceName('name', input.name);
    if (input.description) assertDescription('description', input.description);
    const tags = mergeTags({}, input.tags ?? []);
    assertWithinQuota('devices', await this.devices.lockDeviceCount(tx, principal.organizationId), 1, deviceQuota);
    if (await this.devices.nameTaken(tx, principal.organizationId, input.name)) {
      throw new DomainError('ALREADY_EXISTS', `A device named ${input.name} exists already; names are unique and cannot be reused until it is deleted.`);
    }
    const device = await this.devices.insert(
      tx,
      {
        deviceId: newDeviceId(),
        organizationId: principal.organizationId,
        name: input.name,
        description: input.description ?? null,
        tags,
        networkingConfiguration: (input.networkingConfiguration ?? undefined) as object | undefined,
        ...(input.brand ? { brand: input.brand } : {}),
      },
      actorOf(principal),
    );
    await this.audit.record(tx, principal, {
      action: 'device.create',
      targetType: 'Device',
      targetId: device.deviceId,
      details: { name: input.name },
    });
    return device;
  }

  /** Whether the device exists and is DELETING (the worker's purge decommissions it first). */
  async isBeingDeleted(deviceId: string): Promise<boolean> {
    return (await this.devices.byId(deviceId))?.provisioningStatus === 'DELETING';
  }

  /** The worker's half of deleteDevice: removes a DELETING device and everything that hangs off it. */
  async purge(deviceId: string, actor: string): Promise<boolean> {
    return this.devices.transaction(async (tx) => {
      const device = await this.devices.byId(deviceId, tx);
      if (!device || device.provisioningStatus !== 'DELETING') return false;
      await this.devices.delete(deviceId, tx);
      await this.audit.record(tx, { organizationId: device.organizationId, actor }, {
        action: 'device.purge',
        targetType: 'Device',
        targetId: deviceId,
        details: { name: device.name },
      });
      return true;
    });
  }

  async updateMetadata(principal: Principal, deviceId: string, description: string | null): Promise<DeviceView> {
    if (description !== null) assertDescription('description', description);
    await this.devices.transaction(async (tx) => {
      if (!(await this.devices.describe(tx, principal.organizationId, deviceId, description))) throw await this.missing(tx, principal, deviceId);
      await this.audit.record(tx, principal, { action: 'device.updateMetadata', targetType: 'Device', targetId: deviceId });
    });
    return this.get(principal, deviceId);
  }

  async tagResource(principal: Principal, resourceArn: string, tags: TagInput[]): Promise<Tags> {
    assertTagInputs('tags', tags);
    return this.changeTags(principal, resourceArn, 'device.tag', { keys: tags.map((t) => t.key) }, (t) => mergeTags(t, tags));
  }

  async untagResource(principal: Principal, resourceArn: string, tagKeys: string[]): Promise<Tags> {
    return this.changeTags(principal, resourceArn, 'device.untag', { keys: tagKeys }, (t) => removeTags(t, tagKeys));
  }

  /**
   * Moves the device to DELETING and, in the same transaction, asks the worker
   * to purge it (certificates, connections, thing, rows).
   */
  async scheduleDeletion(principal: Principal, deviceId: string): Promise<DeviceView> {
    await this.devices.transaction(async (tx) => {
      const device = await this.devices.find(principal.organizationId, deviceId, tx);
      if (!device) throw notFound('Device', deviceId);
      provisioningMachine.transition(device.provisioningStatus, 'DELETE'); // a refusal says why
      if (!(await moveProvisioning(tx, deviceId, device.provisioningStatus, 'DELETE', actorOf(principal)))) {
        throw new DomainError('CHANGED_MEANWHILE', `Device ${deviceId} changed meanwhile; try again.`);
      }
      await outbox.enqueue(tx, 'devices', 'purge-device', [{ payload: { deviceId, organizationId: principal.organizationId }, key: `purge-device-${deviceId}` }]);
      await this.audit.record(tx, principal, { action: 'device.delete', targetType: 'Device', targetId: deviceId });
    });
    return this.get(principal, deviceId);
  }

  /** ListTagsForResource for a device ARN. */
  async tags(principal: Principal, resourceArn: string): Promise<Tags> {
    const deviceId = DEVICE_ARN.exec(resourceArn)?.[1];
    if (!deviceId) throw validationFailed('resourceArn', `"${resourceArn.slice(0, 200)}" is not the ARN of a device.`);
    const tags = await this.devices.tags(principal.organizationId, deviceId);
    if (!tags) throw notFound('Resource', resourceArn);
    return tags;
  }

  private async changeTags(
    principal: Principal,
    resourceArn: string,
    action: string,
    details: Record<string, unknown>,
    change: (tags: Tags) => Tags,
  ): Promise<Tags> {
    const deviceId = DEVICE_ARN.exec(resourceArn)?.[1];
    if (!deviceId) throw validationFailed('resourceArn', `"${resourceArn}" is not the ARN of a device.`);
    return this.devices.transaction(async (tx) => {
      const current = await this.devices.lockTags(tx, principal.organizationId, deviceId);
      if (!current) throw notFound('Resource', resourceArn);
      const tags = change(current);
      await this.devices.setTags(tx, deviceId, tags);
      await this.audit.record(tx, principal, { action, targetType: 'Device', targetId: deviceId, details });
      return tags;
    });
  }

  private async missing(tx: Tx, principal: Principal, deviceId: string): Promise<DomainError> {
    const device = await this.devices.find(principal.organizationId, deviceId, tx);
    return device ? new DomainError('DEVICE_BEING_DELETED', `Device ${deviceId} is being deleted.`) : notFound('Device', deviceId);
  }


  private view(row: DeviceRow, accountId: string): DeviceView {
    return { ...row, arn: deviceArn(this.config.REGION, accountId, row.deviceId) };
  }
}
