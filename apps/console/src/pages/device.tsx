import { type FormEvent, useState } from 'react';
import {
  ApplicationUpdatedDocument,
  CloseTunnelDocument,
  CreateApplicationDocument,
  CreateJobForDevicesDocument,
  DeleteDeviceDocument,
  DevicePageDocument,
  type DevicePageQuery,
  DeviceUpdatedDocument,
  type DeviceJobFieldsFragment,
  FINISHED_JOB_STATUSES,
  JobUpdatedDocument,
} from '@edgefleet/client';
import { useAction, useQuery, useSession, useSubscription } from '../hooks';
import { canOperate } from '../session';
import { Problem, Status, Table, go, when } from '../ui';
import { ClipList } from './clips';

/** A job's status, followed live until it finishes (then the page is read again: the device's aggregated status depends on its jobs). */
function JobStatus({ job, onFinished }: { job: DeviceJobFieldsFragment; onFinished: () => void }) {
  const [live, setLive] = useState(job);
  useSubscription(JobUpdatedDocument, FINISHED_JOB_STATUSES.has(job.status) ? null : { jobId: job.jobId }, (e) => {
    setLive(e.jobUpdated);
    if (FINISHED_JOB_STATUSES.has(e.jobUpdated.status)) onFinished();
  });
  return <Status value={live.status} />;
}

const Shadow = ({ name, document }: { name: string; document: { version?: number } | null | undefined }) => (
  <details>
    <summary>
      {name} shadow {document?.version !== undefined ? `(version ${document.version})` : '(none yet)'}
    </summary>
    <pre>{JSON.stringify(document ?? null, null, 2)}</pre>
  </details>
);

type Page = DevicePageQuery;

/** The camera streams the device reads, as its system shadow reports them (the streams' own statuses). */
const camerasOf = (system: unknown): { name: string; status: string; reason?: string; since?: string }[] =>
  (system as { state?: { reported?: { cameras?: { name: string; status: string; reason?: string; since?: string }[] } } } | null)?.state?.reported?.cameras ?? [];

/** Deploy an application to this device: its manifest (graph.json) and overrides, as createApplicationInstance takes them. */
function DeployForm({ deviceId, onDeployed }: { deviceId: string; onDeployed: (id: string) => void }) {
  const action = useAction();
  const [name, setName] = useState('');
  const [manifest, setManifest] = useState('');
  const [overrides, setOverrides] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const created = await action.run(CreateApplicationDocument, {
      input: { defaultRuntimeContextDevice: deviceId, name: name || null, manifestPayload: { payloadData: manifest }, manifestOverridesPayload: overrides.trim() ? { payloadData: overrides } : null },
    });
    if (created) onDeployed(created.createApplicationInstance.applicationInstanceId);
  };
  return (
    <form className="panel" onSubmit={submit} aria-label="Deploy an application">
      <label>
        Application instance name
        <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Application name" />
      </label>
      <label>
        Manifest (graph.json)
        <textarea rows={8} value={manifest} onChange={(e) => setManifest(e.target.value)} aria-label="Manifest" />
      </label>
      <label>
        Overrides (optional)
        <textarea rows={4} value={overrides} onChange={(e) => setOverrides(e.target.value)} aria-label="Overrides" />
      </label>
      <Problem error={action.error} />
      <button type="submit" disabled={action.busy || !manifest.trim()}>
        Deploy
      </button>
    </form>
  );
}

/**
 * "Open tunnel": a tunnel listens on the operator's own machine, so the console gives the command
 * that opens it there (edgefleet tunnel, or edgefleet ssh); no token ever shows in the browser.
 */
function OpenTunnelPanel({ deviceId }: { deviceId: string }) {
  const [service, setService] = useState('SSH');
  const [port, setPort] = useState('2222');
  const cli = `edgefleet --endpoint ${location.origin}`;
  return (
    <div className="panel" aria-label="Open tunnel">
      <label>
        Service (as the device's agent names it)
        <input value={service} onChange={(e) => setService(e.target.value.trim())} aria-label="Tunnel service" />
      </label>
      <label>
        Local port on your machine
        <input value={port} onChange={(e) => setPort(e.target.value.trim())} aria-label="Local port" />
      </label>
      <p>Run on your machine (your API key from EDGEFLEET_API_KEY or a profile); Ctrl-C closes the tunnel:</p>
      <pre data-testid="tunnel-command">{`${cli} tunnel ${deviceId} --service ${service || 'SSH'} --local-port ${port || '2222'}`}</pre>
      {service === 'SSH' && (
        <>
          <p>Or straight into a shell (the tunnel closes when ssh exits):</p>
          <pre data-testid="ssh-command">{`${cli} ssh ${deviceId} --user <user>`}</pre>
        </>
      )}
    </div>
  );
}

/** The device's open tunnels, who opened them and whether each side is joined; Close cuts every stream at once. */
function OpenTunnels({ tunnels, onClosed }: { tunnels: NonNullable<Page['openTunnels']>; onClosed: () => void }) {
  const action = useAction();
  const close = async (tunnelId: string) => {
    if (await action.run(CloseTunnelDocument, { tunnelId, delete: false })) onClosed();
  };
  return (
    <>
      <h2>Tunnels</h2>
      <Problem error={action.error} />
      <Table
        rows={tunnels.edges.map((e) => e.node)}
        rowKey={(t) => t.tunnelId}
        empty="No open tunnel."
        columns={[
          ['Tunnel', (t) => <code>{t.tunnelId}</code>],
          ['Services', (t) => t.services.join(', ')],
          ['Opened by', (t) => t.openedBy],
          ['Operator side', (t) => <Status value={t.sourceConnectionState.status} />],
          ['Device side', (t) => <Status value={t.destinationConnectionState.status} />],
          ['Expires', (t) => when(t.expiresAt)],
          ['', (t) => <button className="small danger" onClick={() => close(t.tunnelId)} disabled={action.busy} aria-label={`Close tunnel ${t.tunnelId}`}>Close</button>],
        ]}
      />
    </>
  );
}

/**
 * One device, read in one request (the device, its jobs, applications, newest clips and log lines,
 * shadows, the images it could take and, for operators, its open tunnels); what changes comes by
 * subscription: the device, each running job, its applications. Reboot, OTA, Deploy, tunnels and Delete for those who may.
 */
export function Device({ deviceId }: { deviceId: string }) {
  const { session } = useSession();
  // Tunnels are for OPERATOR and ADMIN keys: read in the same request, only for them.
  const page = useQuery(DevicePageDocument, { deviceId, operator: canOperate(session.role) });
  const [device, setDevice] = useState<Partial<Page['device']>>({});
  const [apps, setApps] = useState<Record<string, Page['applicationInstances']['edges'][number]['node']>>({});
  useSubscription(DeviceUpdatedDocument, { deviceId }, (e) => setDevice((d) => ({ ...d, ...e.deviceUpdated })));
  useSubscription(ApplicationUpdatedDocument, { deviceId }, (e) => setApps((a) => ({ ...a, [e.applicationInstanceUpdated.applicationInstanceId]: e.applicationInstanceUpdated })));
  const action = useAction();
  const [panel, setPanel] = useState<'ota' | 'deploy' | 'tunnel' | 'delete' | null>(null);
  const [image, setImage] = useState('');

  if (page.error) return <Problem error={page.error} />;
  if (!page.data) return <p>Loading…</p>;
  const d = { ...page.data.device, ...device };
  const reload = () => {
    setDevice({});
    page.reload();
  };
  const job = async (jobType: 'REBOOT' | 'OTA') => {
    const input = { jobType, deviceIds: [deviceId], ...(jobType === 'OTA' ? { deviceJobConfig: { otaJobConfig: { imageVersion: image, allowMajorVersionUpdate: true } } } : {}) };
    if (await action.run(CreateJobForDevicesDocument, { input })) {
      setPanel(null);
      reload();
    }
  };
  const remove = async () => {
    if (await action.run(DeleteDeviceDocument, { deviceId })) go('devices');
  };
  const images = page.data.softwareImages.filter((i) => i.uploadedAt);
  const applications = page.data.applicationInstances.edges.map((e) => apps[e.node.applicationInstanceId] ?? e.node);
  const net = d.currentNetworkingStatus;
  const port = (p?: { ipAddress: string | null; connectionStatus: string | null; hwAddress: string | null } | null) => (p ? `${p.ipAddress ?? '—'} · ${p.connectionStatus ?? '—'} · ${p.hwAddress ?? '—'}` : '—');
  const provisioned = d.provisioningStatus === 'SUCCEEDED';
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
          <button onClick={() => job('REBOOT')} disabled={action.busy || !provisioned}>
            Reboot
          </button>
          <button onClick={() => setPanel(panel === 'ota' ? null : 'ota')} disabled={!provisioned}>
            Update software
          </button>
          <button onClick={() => setPanel(panel === 'deploy' ? null : 'deploy')} disabled={!provisioned}>
            Deploy application
          </button>
          <button onClick={() => setPanel(panel === 'tunnel' ? null : 'tunnel')} disabled={!provisioned}>
            Open tunnel
          </button>
          <button className="danger" onClick={() => setPanel(panel === 'delete' ? null : 'delete')} disabled={d.provisioningStatus === 'DELETING'}>
            Delete
          </button>
        </div>
      )}
      {panel === 'ota' && (
        <form className="panel" onSubmit={(e) => (e.preventDefault(), void job('OTA'))} aria-label="Update software">
          <label>
            Software image
            <select value={image} onChange={(e) => setImage(e.target.value)} aria-label="Software image">
              <option value="">choose a version</option>
              {images.map((i) => (
                <option key={i.version}>{i.version}</option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={action.busy || !image}>
            Start OTA to {image || '…'}
          </button>
        </form>
      )}
      {panel === 'deploy' && <DeployForm deviceId={deviceId} onDeployed={(id) => go(`applications/${id}`)} />}
      {panel === 'tunnel' && <OpenTunnelPanel deviceId={deviceId} />}
      {panel === 'delete' && (
        <div className="panel">
          <p>
            Delete {d.name}? Its certificates are revoked at once and it can never connect again; its applications stop.
          </p>
          <button className="danger" onClick={remove} disabled={action.busy}>
            Delete {d.name}
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
        <dd>{d.type} · {d.brand}{d.serialNumber ? ` · ${d.serialNumber}` : ''}</dd>
        <dt>Last seen</dt>
        <dd>{when(d.lastSeenAt)}</dd>
        <dt>Lease expires</dt>
        <dd>{when(d.leaseExpirationTime)}</dd>
        <dt>Ethernet 0</dt>
        <dd>{port(net?.ethernet0Status)}</dd>
        <dt>Ethernet 1</dt>
        <dd>{port(net?.ethernet1Status)}</dd>
        <dt>NTP</dt>
        <dd>{net?.ntpStatus ? `${net.ntpStatus.ntpServerName ?? '—'} · ${net.ntpStatus.connectionStatus ?? '—'}` : '—'}</dd>
        <dt>Tags</dt>
        <dd>{d.tags?.map((t) => (t.value ? `${t.key}=${t.value}` : t.key)).join(', ') || '—'}</dd>
      </dl>
      <h2>Jobs</h2>
      <Table
        rows={page.data.devicesJobs.edges.map((e) => e.node)}
        rowKey={(j) => j.jobId}
        empty="No job yet."
        columns={[
          ['Job', (j) => <code>{j.jobId}</code>],
          ['Type', (j) => j.jobType],
          ['Status', (j) => <JobStatus job={j} onFinished={reload} />],
          ['Image', (j) => j.imageVersion ?? '—'],
          ['Created', (j) => when(j.createdTime)],
        ]}
      />
      <h2>Applications</h2>
      <Table
        rows={applications}
        rowKey={(a) => a.applicationInstanceId}
        onRow={(a) => go(`applications/${a.applicationInstanceId}`)}
        empty="No application on this device."
        columns={[['Name', (a) => a.name ?? '—'], ['Status', (a) => <Status value={a.status} />], ['Health', (a) => <Status value={a.healthStatus} />]]}
      />
      <h2>Cameras</h2>
      <Table
        rows={camerasOf(page.data.device.system)}
        rowKey={(c) => c.name}
        empty="The device reads no camera."
        columns={[['Camera', (c) => c.name], ['Status', (c) => <Status value={c.status} />], ['Reason', (c) => c.reason ?? ''], ['Since', (c) => when(c.since)]]}
      />
      <h2>Clips</h2>
      <ClipList clips={page.data.clips.edges.map((e) => e.node)} />
      {page.data.openTunnels && <OpenTunnels tunnels={page.data.openTunnels} onClosed={reload} />}
      <h2>Shadows</h2>
      <Shadow name="system" document={page.data.device.system} />
      <Shadow name="applications" document={page.data.device.applications} />
      <h2>
        Logs <button className="small" onClick={reload}>Refresh</button>
      </h2>
      <pre className="logs">{page.data.deviceLogs.edges.map((e) => `${e.node.timestamp}  ${e.node.logStream}  ${e.node.message}`).join('\n') || 'No log lines.'}</pre>
    </section>
  );
}
