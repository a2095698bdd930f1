import type { Tx } from '@edgefleet/db';
import type { ShadowFollower } from '@edgefleet/iot';
import { outbox } from '@edgefleet/queue';

/** Reported `applications` states (by shadow version): the worker follows each into the device's instance rows. */
export function followReports(tx: Tx, reports: { deviceId: string; version: number }[]): Promise<void> {
  return outbox.enqueue(tx, 'applications', 'project-report', reports.map((r) => ({ payload: { deviceId: r.deviceId }, key: `apps-report-${r.deviceId}-${r.version}` })));
}

/** Accepted `applications` reports on our gateways, in the shadow update's own transaction. */
export const applicationsReportFollower: ShadowFollower<null> = {
  key: 'applications',
  prepare: () => null,
  write: async (tx, items) => {
    await followReports(tx, items.map((i) => ({ deviceId: i.thingName, version: i.document.version })));
    return items.map(() => false);
  },
};
