import { ApplicationDocument, ApplicationUpdatedDocument, ApplicationsDocument, SignalNodesDocument } from '@edgefleet/client';
import { useAction, useQuery, useSession, useSubscription } from '../hooks';
import { canOperate } from '../session';
import { Problem, Status, Table, go, when } from '../ui';

export function Applications() {
  const apps = useQuery(ApplicationsDocument, { first: 100 });
  return (
    <section>
      <h1>Application instances</h1>
      <p className="muted">Deploy with <code>edgefleet deploy</code> or the createApplicationInstance mutation.</p>
      <Problem error={apps.error} />
      <Table
        rows={apps.data?.applicationInstances.edges.map((e) => e.node) ?? []}
        rowKey={(a) => a.applicationInstanceId}
        onRow={(a) => go(`applications/${a.applicationInstanceId}`)}
        empty="No application instance yet."
        columns={[
          ['Name', (a) => a.name ?? '—'],
          ['Device', (a) => <code>{a.defaultRuntimeContextDevice}</code>],
          ['Status', (a) => <Status value={a.status} />],
          ['Health', (a) => <Status value={a.healthStatus} />],
          ['Updated', (a) => when(a.lastUpdatedTime)],
        ]}
      />
    </section>
  );
}

/** One instance with the status of each node, followed live, and PAUSE/RESUME per node. */
export function Application({ id }: { id: string }) {
  const { session } = useSession();
  const app = useQuery(ApplicationDocument, { id });
  const device = app.data?.applicationInstance.defaultRuntimeContextDevice;
  useSubscription(ApplicationUpdatedDocument, device ? { deviceId: device } : null, (e) => e.applicationInstanceUpdated.applicationInstanceId === id && app.reload());
  const action = useAction();
  const signal = async (nodeInstanceId: string, s: 'PAUSE' | 'RESUME') => {
    if (await action.run(SignalNodesDocument, { id, signals: [{ nodeInstanceId, signal: s }] })) app.reload();
  };
  if (app.error) return <Problem error={app.error} />;
  const a = app.data?.applicationInstance;
  if (!a) return <p>Loading…</p>;
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
        On <a href={`#/devices/${a.defaultRuntimeContextDevice}`}>{a.defaultRuntimeContextDevice}</a>
      </p>
      <Problem error={action.error} />
      <Table
        rows={app.data?.applicationInstanceNodeInstances ?? []}
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
    </section>
  );
}
