import { useState } from 'react';
import { CamerasDocument, PackagesDocument } from '@edgefleet/client';
import { useQuery, useSession } from '../hooks';
import { Problem, Status, Table, when } from '../ui';
import { CameraClips } from './clips';

export function Cameras() {
  const { session } = useSession();
  const cameras = useQuery(CamerasDocument, { first: 100 });
  const [clipsOf, setClipsOf] = useState<string | null>(null);
  return (
    <section>
      <h1>Cameras</h1>
      <p className="muted">
        Add one with <code>edgefleet cameras add</code>; credentials stay in the secret store and are never shown. A manifest names a camera by its
        interface (your account id is <code data-testid="account-id">{session.accountId}</code>).
      </p>
      <Problem error={cameras.error} />
      <Table
        rows={cameras.data?.nodeFromTemplateJobs.edges.map((e) => e.node) ?? []}
        rowKey={(c) => c.jobId}
        empty="No camera stream yet."
        columns={[
          ['Node', (c) => c.nodeName],
          ['Interface (in manifests)', (c) => <code>{c.interface}</code>],
          ['Package', (c) => `${c.outputPackageName} ${c.outputPackageVersion}`],
          ['Status', (c) => <Status value={c.status} />],
          ['Stream', (c) => <code>{c.streamUrl}</code>],
          ['Credentials', (c) => (c.credentials.stored ? 'stored' : 'missing')],
          ['Created', (c) => when(c.createdTime)],
          ['', (c) => <button className="small" onClick={() => setClipsOf(c.nodeName)} aria-label={`Clips of ${c.nodeName}`}>Clips</button>],
        ]}
      />
      {clipsOf && <CameraClips key={clipsOf} camera={clipsOf} />}
    </section>
  );
}

export function Packages() {
  const { session } = useSession();
  const packages = useQuery(PackagesDocument, { first: 100 });
  return (
    <section>
      <h1>Packages</h1>
      <p className="muted">
        A manifest names these packages <code>{session.accountId}::&lt;name&gt;</code> (your account id is <code>{session.accountId}</code>).
      </p>
      <Problem error={packages.error} />
      <Table
        rows={packages.data?.packages.edges.map((e) => e.node) ?? []}
        rowKey={(p) => p.packageId}
        empty="No package yet."
        columns={[
          ['Name', (p) => p.packageName],
          ['In manifests', (p) => <code>{`${session.accountId}::${p.packageName}`}</code>],
          ['Camera', (p) => (p.camera ? 'yes' : 'no')],
          ['Versions', (p) => p.versions.map((v) => `${v.packageVersion}${v.isLatestPatch ? ' (latest)' : ''} ${v.status}`).join(', ') || '—'],
          ['Created', (p) => when(p.createdTime)],
          ['Package ID', (p) => <code>{p.packageId}</code>],
        ]}
      />
    </section>
  );
}
