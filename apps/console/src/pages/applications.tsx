import { ApplicationPageDocument, ApplicationUpdatedDocument, ApplicationsDocument, RemoveApplicationDocument, SetSnapshotsDocument, SignalNodesDocument } from '@edgefleet/client';
import { useAction, useQuery, useSession, useSubscription } from '../hooks';
import { canOperate } from '../session';
import { Problem, Status, Table, go, when } from '../ui';

export function Applications() {
  const apps = useQuery(ApplicationsDocument, { first: 100 });
  return (
    <section>
      <h1>Application instances</h1>
      <p className="muted">Deploy from a device's page, with <code>edgefleet deploy</code> or the createApplicationInstance mutation.</p>
      <Problem error={apps.error} />
      <Table
        rows={apps.data?.applicationInstances.edges.map((e) => e.node) ?? []}
        rowKey={(a) => a.applicationInstanceId}
        onRow={(a) => go(`applications/${a.applicationInstanceId}`)}
        empty="No application instance yet."
        columns={[
          ['Name', (a) => a.name ?? '—'],
          ['Device', (a) => a.defaultRuntimeContextDeviceName ?? a.defaultRuntimeContextDevice],
          ['Status', (a) => <Status value={a.status} />],
          ['Health', (a) => <Status value={a.healthStatus} />],
          ['Deployment', (a) => (a.deploymentName ? <a href={`#/groups/deployments/${a.deploymentName}`} onClick={(e) => e.stopPropagation()}>{`${a.deploymentName} r${a.deploymentRevision}`}</a> : '—')],
          ['Updated', (a) => when(a.lastUpdatedTime)],
        ]}
      />
    </section>
  );
}

const pretty = (payload: { payloadData: string } | null | undefined) => {
  if (!payload) return '—';
  try {
    return JSON.stringify(JSON.parse(payload.payloadData), null, 2);
  } catch {
    return payload.payloadData;
  }
};

/**
 * One instance, read in one request: its status, nodes (PAUSE/RESUME per node), the manifest and
 * overrides it runs, and its newest output; changes come by subscription. Remove for those who may.
 */
export function Application({ id }: { id: string }) {
  const { session } = useSession();
  const page = useQuery(ApplicationPageDocument, { id });
  const device = page.data?.applicationInstance.defaultRuntimeContextDevice;
  useSubscription(ApplicationUpdatedDocument, device ? { deviceId: device } : null, (e) => e.applicationInstanceUpdated.applicationInstanceId === id && page.reload());
  const action = useAction();
  const signal = async (nodeInstanceId: string, s: 'PAUSE' | 'RESUME') => {
    if (await action.run(SignalNodesDocument, { id, signals: [{ nodeInstanceId, signal: s }] })) page.reload();
  };
  const remove = async () => {
    if (await action.run(RemoveApplicationDocument, { id })) page.reload();
  };
  const snapshots = async (seconds: number) => {
    if (await action.run(SetSnapshotsDocument, { id, seconds })) page.reload();
  };
  if (page.error) return <Problem error={page.error} />;
  const a = page.data?.applicationInstance;
  if (!a) return <p>Loading…</p>;
  const removable = !a.status.startsWith('REMOVAL_') && a.status !== 'DEPLOYMENT_FAILED';
  return (
    <section>
      <p className="crumbs">
        <a href="#/applications">Applications</a> / {a.name ?? id}
      </p>
      <h1>
        {a.name ?? id} <Status value={a.status} /> <Status value={a.healthStatus} />
      </h1>
      <p className="muted">{a.statusDescription}</p>
      <p>
        On <a href={`#/devices/${a.defaultRuntimeContextDevice}`}>{a.defaultRuntimeContextDeviceName ?? a.defaultRuntimeContextDevice}</a> · <code>{id}</code>
      </p>
      {canOperate(session.role) && removable && (
        <div className="actions">
          <button className="danger" onClick={remove} disabled={action.busy}>
            Remove
          </button>
        </div>
      )}
      <Problem error={action.error} />
      <Table
        rows={a.nodeInstances}
        rowKey={(n) => n.nodeInstanceId}
        columns={[
          ['Node', (n) => n.nodeInstanceId],
          ['Package', (n) => `${n.packageName} ${n.packageVersion}`],
          ['Status', (n) => <Status value={n.currentStatus} />],
          ['Reason', (n) => n.statusReason ?? ''],
          [
            '',
            (n) =>
              canOperate(session.role) && (n.currentStatus === 'RUNNING' || n.currentStatus === 'PAUSED') ? (
                <button className="small" disabled={action.busy} onClick={() => signal(n.nodeInstanceId, n.currentStatus === 'PAUSED' ? 'RESUME' : 'PAUSE')}>
                  {n.currentStatus === 'PAUSED' ? 'Resume' : 'Pause'}
                </button>
              ) : null,
          ],
        ]}
      />
      <h2>
        Last frame <button className="small" onClick={page.reload}>Refresh</button>
      </h2>
      <LastFrame frame={page.data!.applicationInstanceLastFrame} intervalSeconds={a.snapshotIntervalSeconds} />
      {canOperate(session.role) && !a.status.startsWith('REMOVAL_') && (
        <div className="actions">
          {a.snapshotIntervalSeconds === 0 ? (
            <button className="small" disabled={action.busy} onClick={() => snapshots(10)}>
              Send a frame every 10 s
            </button>
          ) : (
            <button className="small" disabled={action.busy} onClick={() => snapshots(0)}>
              Stop snapshots
            </button>
          )}
        </div>
      )}
      <h2>
        Output <button className="small" onClick={page.reload}>Refresh</button>
      </h2>
      <pre className="logs" data-testid="output">{page.data!.applicationInstanceLogs.edges.map((e) => `${e.node.timestamp}  ${e.node.logStream}  ${e.node.message}`).join('\n') || 'No output yet.'}</pre>
      <h2>Manifest</h2>
      <details open>
        <summary>graph.json</summary>
        <pre data-testid="manifest">{pretty(a.manifestPayload)}</pre>
      </details>
      <details>
        <summary>Overrides</summary>
        <pre>{pretty(a.manifestOverridesPayload)}</pre>
      </details>
    </section>
  );
}

/** The last output frame the device sent, with its labels; frames leave the device only while snapshots are on. */
function LastFrame({ frame, intervalSeconds }: { frame: { streamId: string; capturedAt: string; labels: string[]; jpegBase64: string } | null | undefined; intervalSeconds: number }) {
  if (!frame) return <p className="muted">{intervalSeconds ? `A frame comes every ${intervalSeconds} s; none yet.` : 'Snapshots are off: no frame leaves the device.'}</p>;
  return (
    <figure data-testid="last-frame">
      <img src={`data:image/jpeg;base64,${frame.jpegBase64}`} alt={`Last frame of ${frame.streamId}`} style={{ maxWidth: '100%' }} />
      <figcaption className="muted">
        {frame.streamId} at {frame.capturedAt}
        {intervalSeconds ? `, every ${intervalSeconds} s` : ''}: {frame.labels.join(' · ') || 'no labels'}
      </figcaption>
    </figure>
  );
}
