import { CamerasDocument, PackagesDocument } from '@edgefleet/client';
import { useQuery } from '../hooks';
import { Problem, Status, Table, when } from '../ui';

export function Cameras() {
  const cameras = useQuery(CamerasDocument, { first: 100 });
  return (
    <section>
      <h1>Cameras</h1>
      <p className="muted">Add one with <code>edgefleet cameras add</code>; credentials stay in the secret store and are never shown.</p>
      <Problem error={cameras.error} />
      <Table
        rows={cameras.data?.nodeFromTemplateJobs.edges.map((e) => e.node) ?? []}
        rowKey={(c) => c.jobId}
        empty="No camera stream yet."
        columns={[
          ['Node', (c) => c.nodeName],
          ['Package', (c) => `${c.outputPackageName} ${c.outputPackageVersion}`],
          ['Status', (c) => <Status value={c.status} />],
          ['Stream', (c) => <code>{c.streamUrl}</code>],
          ['Credentials', (c) => (c.credentials.stored ? 'stored' : 'missing')],
          ['Created', (c) => when(c.createdTime)],
        ]}
      />
    </section>
  );
}

export function Packages() {
  const packages = useQuery(PackagesDocument, { first: 100 });
  return (
    <section>
      <h1>Packages</h1>
      <Problem error={packages.error} />
      <Table
        rows={packages.data?.packages.edges.map((e) => e.node) ?? []}
        rowKey={(p) => p.packageId}
        empty="No package yet."
        columns={[
          ['Name', (p) => p.packageName],
          ['Camera', (p) => (p.camera ? 'yes' : 'no')],
          ['Versions', (p) => p.versions.map((v) => `${v.packageVersion}${v.isLatestPatch ? ' (latest)' : ''} ${v.status}`).join(', ') || '—'],
          ['Created', (p) => when(p.createdTime)],
          ['Package ID', (p) => <code>{p.packageId}</code>],
        ]}
      />
    </section>
  );
}
