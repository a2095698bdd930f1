import { useRef } from 'react';
import { DeviceUpdatedDocument, FleetSummaryDocument, RolloutsDocument } from '@edgefleet/client';
import { useQuery, useSubscription } from '../hooks';
import { Bar, Problem, Status, Table, go } from '../ui';
import { rolloutSegments } from './rollouts';

/** Counts by aggregated status and software version, read again (at most every second) as devices change. */
export function Overview() {
  const summary = useQuery(FleetSummaryDocument, {});
  const rollouts = useQuery(RolloutsDocument, {});
  const pending = useRef<ReturnType<typeof setTimeout>>(undefined);
  useSubscription(DeviceUpdatedDocument, {}, () => {
    pending.current ??= setTimeout(() => {
      pending.current = undefined;
      summary.reload();
    }, 1000);
  });
  const s = summary.data?.fleetSummary;
  const active = (rollouts.data?.rollouts ?? []).filter((r) => r.status === 'IN_PROGRESS' || r.status === 'PAUSED' || r.status === 'PENDING');
  return (
    <section>
      <h1>Fleet overview</h1>
      <Problem error={summary.error} />
      {s && (
        <>
          <p className="total">
            <strong data-testid="device-total">{s.total}</strong> devices
          </p>
          <div className="cards">
            {s.byAggregatedStatus.map((c) => (
              <button key={c.status} className="card" onClick={() => go(`devices?status=${c.status}`)} data-testid={`status-${c.status}`}>
                <span className="count">{c.count}</span>
                <Status value={c.status} />
              </button>
            ))}
          </div>
          <h2>Software versions</h2>
          <Table rows={s.bySoftware} rowKey={(r) => r.software ?? 'none'} columns={[['Version', (r) => r.software ?? 'not reported'], ['Devices', (r) => r.count], ['Share', (r) => <Bar segments={[{ value: r.count, kind: 'ok' }]} total={s.total} label={`${Math.round((r.count / Math.max(1, s.total)) * 100)}%`} />]]} />
        </>
      )}
      <h2>Active rollouts</h2>
      <Table rows={active} rowKey={(r) => r.id} onRow={(r) => go(`rollouts/${r.id}`)} empty="No rollout is running." columns={[['Name', (r) => r.name], ['Status', (r) => <Status value={r.status} />], ['Progress', (r) => <Bar segments={rolloutSegments(r.progress)} total={r.progress.targeted} label={`${r.progress.succeeded}/${r.progress.targeted}`} />]]} />
    </section>
  );
}
