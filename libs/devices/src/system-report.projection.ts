import { type ShadowDocument, systemReport } from '@edgefleet/contracts';
import type { Tx } from '@edgefleet/db';
import { DomainError } from '@edgefleet/domain';

/**
 * The `system` shadow's report, validated, into the device row, in the caller's transaction
 * and only if this shadow version is newer than the last projected: late messages never move
 * a device back. Returns whether the row changed.
 */
export async function projectSystemReport(tx: Tx, thingName: string, doc: Pick<ShadowDocument, 'reported' | 'version'>): Promise<boolean> {
  const parsed = systemReport.safeParse(doc.reported ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DomainError('INVALID_ARGUMENT', `Invalid system report: ${issue.path.join('.')}: ${issue.message}`);
  }
  const r = parsed.data;
  const eth = (e?: { ipAddress: string; connectionStatus: string; hwAddress: string }) => e && { ipAddress: e.ipAddress, connectionStatus: e.connectionStatus, hwAddress: e.hwAddress };
  const networking = r.networking || r.ntp
    ? {
        ethernet0Status: eth(r.networking?.ethernet0) ?? null,
        ethernet1Status: eth(r.networking?.ethernet1) ?? null,
        ntpStatus: r.ntp ? { connectionStatus: r.ntp.connectionStatus ?? null, ntpServerName: r.ntp.ntpServerName ?? null, ipAddress: null } : null,
        lastUpdatedTime: new Date().toISOString(),
      }
    : undefined;
  const moved = await tx.device.updateMany({
    where: { deviceId: thingName, systemShadowVersion: { lt: doc.version } },
    data: {
      systemShadowVersion: doc.version,
      ...(r.currentSoftware ? { currentSoftware: r.currentSoftware, systemReportedAt: new Date() } : {}),
      ...(r.serialNumber ? { serialNumber: r.serialNumber } : {}),
      ...(r.deviceType ? { type: r.deviceType } : {}),
      ...(networking ? { currentNetworkingStatus: networking } : {}),
    },
  });
  return moved.count === 1;
}
