import { useState } from 'react';
import { type DeviceAggregatedStatus, type DeviceFieldsFragment, DeviceUpdatedDocument, DevicesDocument } from '@edgefleet/client';
import { useQuery, useSubscription } from '../hooks';
import { Problem, Status, Table, go, when } from '../ui';

const STATUSES: DeviceAggregatedStatus[] = ['ONLINE', 'OFFLINE', 'UPDATE_NEEDED', 'REBOOTING', 'AWAITING_PROVISIONING', 'PENDING', 'LEASE_EXPIRED', 'ERROR', 'FAILED', 'DELETING'];
const PAGE = 20;

/** Devices with filters and paging; rows change in place as devices report. */
export function Devices({ initialStatus }: { initialStatus?: string }) {
  const [status, setStatus] = useState(initialStatus ?? '');
  const [name, setName] = useState('');
  const [tag, setTag] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [live, setLive] = useState<Record<string, DeviceFieldsFragment>>({});
  // `key` or `key=value`, as the CLI's --tag takes it.
  const [tagKey, tagValue] = tag.split('=', 2);
  const filter = { deviceAggregatedStatus: (status || null) as DeviceAggregatedStatus | null, nameContains: name || null, tags: tagKey ? [{ key: tagKey, value: tagValue ?? null }] : null };
  const page = useQuery(DevicesDocument, { first: PAGE, after: cursors.at(-1) ?? null, filter });
  useSubscription(DeviceUpdatedDocument, {}, (e) => setLive((l) => ({ ...l, [e.deviceUpdated.deviceId]: e.deviceUpdated })));
  const rows = (page.data?.devices.edges ?? []).map((e) => live[e.node.deviceId] ?? e.node);
  const info = page.data?.devices;
  const restart = () => setCursors([null]);
  return (
    <section>
      <h1>Devices</h1>
      <div className="filters">
        <label>
          Status
          <select value={status} onChange={(e) => (setStatus(e.target.value), restart())} aria-label="Status">
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Name contains
          <input value={name} onChange={(e) => (setName(e.target.value), restart())} aria-label="Name contains" />
        </label>
        <label>
          Tag (key or key=value)
          <input value={tag} onChange={(e) => (setTag(e.target.value.trim()), restart())} aria-label="Tag" />
        </label>
        {info && <span className="muted">{info.totalCount} devices</span>}
      </div>
      <Problem error={page.error} />
      <Table
        rows={rows}
        rowKey={(d) => d.deviceId}
        onRow={(d) => go(`devices/${d.deviceId}`)}
        empty={page.loading ? 'Loading…' : 'No device matches.'}
        columns={[
          ['Name', (d) => d.name],
          ['Status', (d) => <Status value={d.deviceAggregatedStatus} />],
          ['Connection', (d) => d.deviceConnectionStatus],
          ['Software', (d) => d.currentSoftware ?? '—'],
          ['Tags', (d) => d.tags.map((t) => (t.value ? `${t.key}=${t.value}` : t.key)).join(', ')],
          ['Last seen', (d) => when(d.lastSeenAt)],
          ['Device ID', (d) => <code>{d.deviceId}</code>],
        ]}
      />
      <div className="pager">
        <button disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous
        </button>
        <button disabled={!info?.pageInfo.hasNextPage} onClick={() => setCursors((c) => [...c, info!.pageInfo.endCursor])}>
          Next
        </button>
      </div>
    </section>
  );
}
