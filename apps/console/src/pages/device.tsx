import { useState } from 'react';
import {
  ApplicationsDocument,
  CreateJobForDevicesDocument,
  DeviceDocument,
  type DeviceJobFieldsFragment,
  DeviceJobsDocument,
  DeviceLogsDocument,
  DeviceShadowDocument,
  DeviceUpdatedDocument,
  FINISHED_JOB_STATUSES,
  JobUpdatedDocument,
} from '@edgefleet/client';
import { useAction, useQuery, useSession, useSubscription } from '../hooks';
import { canOperate } from '../session';
import { Problem, Status, Table, go, when } from '../ui';

/** A job's status, followed live until it finishes (then the device is read again: its aggregated status depends on its jobs). */
function JobStatus({ job, onFinished }: { job: DeviceJobFieldsFragment; onFinished: () => void }) {
  const [live, setLive] = useState(job);
  useSubscription(JobUpdatedDocument, FINISHED_JOB_STATUSES.has(job.status) ? null : { jobId: job.jobId }, (e) => {
    setLive(e.jobUpdated);
    if (FINISHED_JOB_STATUSES.has(e.jobUpdated.status)) onFinished();
  });
  return <Status value={live.status} />;
}

function Shadow({ deviceId, name }: { deviceId: string; name: string }) {
  const shadow = useQuery(DeviceShadowDocument, { deviceId, shadowName: name });
  return (
    <details>
      <summary>
        {name} shadow {shadow.data ? `(version ${shadow.data.deviceShadow?.version ?? '—'})` : ''}
      </summary>
      <Problem error={shadow.error} />
      <pre>{shadow.data ? JSON.stringify(shadow.data.deviceShadow, null, 2) : 'Loading…'}</pre>
    </details>
  );
}

export function Device({ deviceId }: { deviceId: string }) {
  const { session } = useSession();
  const device = useQuery(DeviceDocument, { deviceId });
  const jobs = useQuery(DeviceJobsDocument, { deviceId, first: 10 });
  const apps = useQuery(ApplicationsDocument, { first: 25, filter: { deviceId } });
  const logs = useQuery(DeviceLogsDocument, { deviceId, first: 100 });
  const [live, setLive] = useState<NonNullable<typeof device.data>['device'] | undefined>();
  useSubscription(DeviceUpdatedDocument, { deviceId }, (e) => setLive((d) => ({ ...(d ?? device.data?.device)!, ...e.deviceUpdated })));
  const action = useAction();
  const d = live ?? device.data?.device;

  const refresh = () => {
    setLive(undefined);
    device.reload();
  };
  const reboot = async () => {
    if (await action.run(CreateJobForDevicesDocument, { input: { jobType: 'REBOOT', deviceIds: [deviceId] } })) jobs.reload();
  };
  if (device.error) return <Problem error={device.error} />;
  if (!d) return <p>Loading…</p>;
  const net = d.currentNetworkingStatus;
  const port = (p?: { ipAddress: string | null; connectionStatus: string | null; hwAddress: string | null } | null) => (p ? `${p.ipAddress ?? '—'} · ${p.connectionStatus ?? '—'} · ${p.hwAddress ?? '—'}` : '—');
  return (
    <section>
      <p className="crumbs">
        <a href="#/devices">Devices</a> / {d.name}
      </p>
      <h1>
        {d.name} <Status value={d.deviceAggregatedStatus} />
      </h1>
      {canOperate(session.role) && (
        <div className="actions">
          <button onClick={reboot} disabled={action.busy || d.provisioningStatus !== 'SUCCEEDED'}>
            Reboot
          </button>
        </div>
      )}
      <Problem error={action.error} />
      <dl className="fields">
        <dt>Device ID</dt>
        <dd><code>{d.deviceId}</code></dd>
        <dt>Connection</dt>
        <dd data-testid="connection"><Status value={d.deviceConnectionStatus} /></dd>
        <dt>Provisioning</dt>
        <dd>{d.provisioningStatus}{d.provisioningStatusReason ? ` (${d.provisioningStatusReason})` : ''}</dd>
        <dt>Software</dt>
        <dd>{d.currentSoftware ?? '—'}{d.latestSoftware && d.latestSoftware !== d.currentSoftware ? ` (latest ${d.latestSoftware})` : ''}</dd>
        <dt>Type</dt>
        <dd>{d.type}{d.serialNumber ? ` · ${d.serialNumber}` : ''}</dd>
        <dt>Last seen</dt>
        <dd>{when(d.lastSeenAt)}</dd>
        <dt>Ethernet 0</dt>
        <dd>{port(net?.ethernet0Status)}</dd>
        <dt>Ethernet 1</dt>
        <dd>{port(net?.ethernet1Status)}</dd>
        <dt>NTP</dt>
        <dd>{net?.ntpStatus ? `${net.ntpStatus.ntpServerName ?? '—'} · ${net.ntpStatus.connectionStatus ?? '—'}` : '—'}</dd>
        <dt>Tags</dt>
        <dd>{d.tags.map((t) => (t.value ? `${t.key}=${t.value}` : t.key)).join(', ') || '—'}</dd>
      </dl>
      <h2>Jobs</h2>
      <Table
        rows={jobs.data?.devicesJobs.edges.map((e) => e.node) ?? []}
        rowKey={(j) => j.jobId}
        empty="No job yet."
        columns={[
          ['Job', (j) => <code>{j.jobId}</code>],
          ['Type', (j) => j.jobType],
          ['Status', (j) => <JobStatus job={j} onFinished={refresh} />],
          ['Image', (j) => j.imageVersion ?? '—'],
          ['Created', (j) => when(j.createdTime)],
        ]}
      />
      <h2>Applications</h2>
      <Table
        rows={apps.data?.applicationInstances.edges.map((e) => e.node) ?? []}
        rowKey={(a) => a.applicationInstanceId}
        onRow={(a) => go(`applications/${a.applicationInstanceId}`)}
        empty="No application on this device."
        columns={[['Name', (a) => a.name ?? '—'], ['Status', (a) => <Status value={a.status} />], ['Health', (a) => <Status value={a.healthStatus} />]]}
      />
      <h2>Shadows</h2>
      <Shadow deviceId={deviceId} name="system" />
      <Shadow deviceId={deviceId} name="applications" />
      <h2>
        Logs <button className="small" onClick={logs.reload}>Refresh</button>
      </h2>
      <pre className="logs">{(logs.data?.deviceLogs.edges ?? []).map((e) => `${e.node.timestamp}  ${e.node.logStream}  ${e.node.message}`).join('\n') || 'No log lines.'}</pre>
    </section>
  );
}
