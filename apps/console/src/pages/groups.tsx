import { type FormEvent, useState } from 'react';
import { CancelDeploymentDocument, CreateThingGroupDocument, DeploymentDevicesDocument, DeploymentsDocument, ThingGroupMembersDocument, ThingGroupsDocument } from '@edgefleet/client';
import { useAction, useQuery, useSession } from '../hooks';
import { canOperate } from '../session';
import { Problem, Status, Table, go, when } from '../ui';

/** A group's members. */
function Members({ name }: { name: string }) {
  const members = useQuery(ThingGroupMembersDocument, { name, first: 100 });
  return (
    <>
      <Problem error={members.error} />
      <Table
        rows={members.data?.thingGroupMembers.edges.map((e) => e.node) ?? []}
        rowKey={(m) => m.deviceId}
        onRow={(m) => go(`devices/${m.deviceId}`)}
        empty="No device in this group."
        columns={[
          ['Device', (m) => m.name],
          ['Id', (m) => m.deviceId],
          ['Joined', (m) => when(m.addedAt)],
        ]}
      />
    </>
  );
}

/** One deployment: each member's state and revision, and cancel for those who may. */
export function DeploymentDetail({ name }: { name: string }) {
  const { session } = useSession();
  const devices = useQuery(DeploymentDevicesDocument, { name, first: 100 });
  const deployments = useQuery(DeploymentsDocument, { first: 100 });
  const action = useAction();
  const d = deployments.data?.deployments.edges.map((e) => e.node).find((x) => x.name === name);
  const cancel = async () => {
    if (await action.run(CancelDeploymentDocument, { name })) {
      deployments.reload();
      devices.reload();
    }
  };
  return (
    <section data-deployment={name}>
      <h1>
        Deployment {name} {d && <Status value={d.status} />}
      </h1>
      {d && (
        <p className="muted">
          To group <a href={`#/groups/${d.thingGroupName}`}>{d.thingGroupName}</a> · instance {d.applicationInstanceName} · priority {d.priority} · on failure {d.failureHandling}
          {d.failureHandling === 'ROLLBACK' ? ` (health checked ${d.healthCheckSeconds} s)` : ''} · revision {d.currentRevision} ·{' '}
          <a href={`#/rollouts/${d.revisions[0]?.rolloutId}`}>its rollout</a>
        </p>
      )}
      <Problem error={devices.error ?? deployments.error ?? action.error} />
      <Table
        rows={devices.data?.deploymentDevices.edges.map((e) => e.node) ?? []}
        rowKey={(x) => x.deviceId}
        onRow={(x) => go(`devices/${x.deviceId}`)}
        empty="The group has no device."
        columns={[
          ['Device', (x) => x.deviceName],
          ['State', (x) => <Status value={x.state} />],
          ['Revision', (x) => x.revision ?? '—'],
          ['Why', (x) => x.statusDescription ?? ''],
        ]}
      />
      {d?.status === 'ACTIVE' && canOperate(session.role) && (
        <div className="actions">
          <button className="danger" onClick={cancel}>
            Cancel deployment
          </button>
        </div>
      )}
    </section>
  );
}

/**
 * Thing groups (static and dynamic) with their members, and the continuous deployments to them.
 * Operators make groups here; deployments come from `edgefleet deployments create` or createDeployment.
 */
export function Groups({ selected }: { selected?: string }) {
  const { session } = useSession();
  const groups = useQuery(ThingGroupsDocument, { first: 100 });
  const deployments = useQuery(DeploymentsDocument, { first: 100 });
  const action = useAction();
  const [name, setName] = useState('');
  const [query, setQuery] = useState('');
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (await action.run(CreateThingGroupDocument, { input: { thingGroupName: name.trim(), queryString: query.trim() || null } })) {
      setName('');
      setQuery('');
      groups.reload();
    }
  };
  const group = groups.data?.thingGroups.edges.map((e) => e.node).find((g) => g.thingGroupName === selected);
  return (
    <section>
      <h1>Groups</h1>
      <p className="muted">
        A dynamic group follows its query (AWS IoT fleet indexing: <code>attributes.site:berlin AND softwareVersion&gt;=4.3</code>); a deployment to a group reaches every member, devices that join included.
      </p>
      <Problem error={groups.error ?? deployments.error} />
      <Table
        rows={groups.data?.thingGroups.edges.map((e) => e.node) ?? []}
        rowKey={(g) => g.thingGroupName}
        onRow={(g) => go(`groups/${g.thingGroupName}`)}
        empty="No group yet."
        columns={[
          ['Group', (g) => g.thingGroupName],
          ['Kind', (g) => (g.dynamic ? 'dynamic' : 'static')],
          ['Members', (g) => g.memberCount],
          ['Query', (g) => (g.queryString ? <code>{g.queryString}</code> : '—')],
        ]}
      />
      {canOperate(session.role) && (
        <form className="panel" onSubmit={create} aria-label="Create a group">
          <label>
            Group name
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Query (empty: a static group)
            <input value={query} onChange={(e) => setQuery(e.target.value)} placeholder="attributes.site:berlin" />
          </label>
          <button type="submit" disabled={!name.trim()}>
            Create group
          </button>
          <Problem error={action.error} />
        </form>
      )}
      {group && (
        <>
          <h2>Members of {group.thingGroupName}</h2>
          <Members name={group.thingGroupName} />
        </>
      )}
      <h2>Deployments</h2>
      <Table
        rows={(deployments.data?.deployments.edges.map((e) => e.node) ?? []).filter((d) => !group || d.thingGroupName === group.thingGroupName)}
        rowKey={(d) => d.name}
        onRow={(d) => go(`groups/deployments/${d.name}`)}
        empty="No deployment yet."
        columns={[
          ['Deployment', (d) => d.name],
          ['Group', (d) => d.thingGroupName],
          ['Status', (d) => <Status value={d.status} />],
          ['Revision', (d) => d.currentRevision],
          ['Priority', (d) => d.priority],
          ['On failure', (d) => d.failureHandling],
          ['Updated', (d) => when(d.updatedAt)],
        ]}
      />
    </section>
  );
}
