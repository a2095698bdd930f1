import { Injectable } from '@nestjs/common';
import { type ShadowDocument, systemReport } from '@edgefleet/contracts';
import type { Tx } from '@edgefleet/db';
import { DomainError } from '@edgefleet/domain';
import type { ShadowFollower } from '@edgefleet/iot';
import { Clock } from '@edgefleet/runtime';
import { DeviceEventsPublisher } from './device-events.publisher';
import { DeviceRepository } from './device.repository';

/** What a `system` report writes into its device row. */
export interface SystemProjection {
  currentSoftware: string | null;
  serialNumber: string | null;
  type: string | null;
  networking: object | null;
}

/**
 * A device's `system` shadow reports (software, serial number, type, networking), followed into
 * its registry row: in the shadow update's own transaction on our gateways (`follower`), or from
 * AWS IoT's shadow documents events (`project`).
 */
@Injectable()
export class SystemReports {
  constructor(
    private readonly devices: DeviceRepository,
    private readonly events: DeviceEventsPublisher,
    private readonly clock: Clock,
  ) {}

  /** Validates a `system` report (a bad one is refused, and nothing is written). */
  prepare(doc: Pick<ShadowDocument, 'reported'>): SystemProjection {
    const parsed = systemReport.safeParse(doc.reported ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DomainError('INVALID_ARGUMENT', `Invalid system report: ${issue.path.join('.')}: ${issue.message}`);
    }
    const r = parsed.data;
    const eth = (e?: { ipAddress: string; connectionStatus: string; hwAddress: string }) => e && { ipAddress: e.ipAddress, connectionStatus: e.connectionStatus, hwAddress: e.hwAddress };
    const networking =
      r.networking || r.ntp
        ? {
            ethernet0Status: eth(r.networking?.ethernet0) ?? null,
            ethernet1Status: eth(r.networking?.ethernet1) ?? null,
            ntpStatus: r.ntp ? { connectionStatus: r.ntp.connectionStatus ?? null, ntpServerName: r.ntp.ntpServerName ?? null, ipAddress: null } : null,
            lastUpdatedTime: this.clock.now().toISOString(),
          }
        : null;
    return { currentSoftware: r.currentSoftware ?? null, serialNumber: r.serialNumber ?? null, type: r.deviceType ?? null, networking };
  }

  /**
   * Reports into their device rows, one statement for all, each only if its shadow version is
   * newer than the last projected (late messages never move a device back): per item, whether the row changed.
   */
  async write(tx: Tx, items: { thingName: string; version: number; projection: SystemProjection }[]): Promise<boolean[]> {
    const changed = await this.devices.writeSystemReports(tx, items.map((i) => ({ deviceId: i.thingName, version: i.version, ...i.projection })));
    return items.map((i) => changed.has(i.thingName));
  }

  /** The follower of accepted `system` updates on our gateways: one statement for a group commit's reports. */
  readonly follower: ShadowFollower<SystemProjection> = {
    key: 'system',
    prepare: (_thing, doc) => this.prepare(doc),
    write: (tx, items) => this.write(tx, items.map((i) => ({ thingName: i.thingName, version: i.document.version, projection: i.prepared }))),
  };

  /** One report, validated and projected (the AWS backend's shadow events come one at a time); subscribers hear of a change. */
  async project(thingName: string, doc: Pick<ShadowDocument, 'reported' | 'version'>): Promise<void> {
    const projection = this.prepare(doc);
    const [changed] = await this.devices.transaction((tx) => this.write(tx, [{ thingName, version: doc.version, projection }]));
    if (changed) await this.events.updated([thingName]);
  }
}
