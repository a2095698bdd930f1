import { type ShadowDocument, systemReport } from '@edgefleet/contracts';
import type { Tx } from '@edgefleet/db';
import { DomainError } from '@edgefleet/domain';

/** What a `system` report writes into its device row. */
export interface SystemProjection {
  currentSoftware: string | null;
  serialNumber: string | null;
  type: string | null;
  networking: object | null;
}

/** Validates a `system` report (a bad one is refused, and nothing is written). */
export function prepareSystemReport(doc: Pick<ShadowDocument, 'reported'>): SystemProjection {
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
          lastUpdatedTime: new Date().toISOString(),
        }
      : null;
  return { currentSoftware: r.currentSoftware ?? null, serialNumber: r.serialNumber ?? null, type: r.deviceType ?? null, networking };
}

/**
 * `system` reports into their device rows, in the caller's transaction, one statement for all,
 * each only if its shadow version is newer than the last projected: late messages never move a
 * device back. Returns, per item, whether the row changed.
 */
export async function writeSystemReports(tx: Tx, items: { thingName: string; version: number; projection: SystemProjection }[]): Promise<boolean[]> {
  const values = items.map((i) => ({ deviceId: i.thingName, version: i.version, ...i.projection }));
  const moved = await tx.$queryRaw<{ deviceId: string }[]>`
    UPDATE "Device" d SET
      "systemShadowVersion" = v.version,
      "currentSoftware" = coalesce(v."currentSoftware", d."currentSoftware"),
      "systemReportedAt" = CASE WHEN v."currentSoftware" IS NULL THEN d."systemReportedAt" ELSE now() END,
      "serialNumber" = coalesce(v."serialNumber", d."serialNumber"),
      type = coalesce(v.type::"DeviceType", d.type),
      "currentNetworkingStatus" = coalesce(v.networking, d."currentNetworkingStatus"),
      "updatedAt" = now()
    FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS v("deviceId" text, version int, "currentSoftware" text, "serialNumber" text, type text, networking jsonb)
    WHERE d."deviceId" = v."deviceId" AND d."systemShadowVersion" < v.version
    RETURNING d."deviceId"`;
  const changed = new Set(moved.map((m) => m.deviceId));
  return items.map((i) => changed.has(i.thingName));
}

/** One report, validated and projected (the AWS backend's shadow events come one at a time). */
export async function projectSystemReport(tx: Tx, thingName: string, doc: Pick<ShadowDocument, 'reported' | 'version'>): Promise<boolean> {
  const [changed] = await writeSystemReports(tx, [{ thingName, version: doc.version, projection: prepareSystemReport(doc) }]);
  return changed;
}
