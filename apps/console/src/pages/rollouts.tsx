import { useState } from 'react';
import { CancelRolloutDocument, ENDED_ROLLOUT_STATUSES, type Operation, PauseRolloutDocument, ResumeRolloutDocument, type RolloutFieldsFragment, RolloutProgressDocument, RolloutsDocument } from '@edgefleet/client';
import { useAction, useQuery, useSession, useSubscription } from '../hooks';
import { canOperate } from '../session';
import { Bar, Problem, Status, when } from '../ui';

type Progress = RolloutFieldsFragment['progress'];

/** A rollout's jobs by outcome: canceled ones grey, never counted as succeeded. */
export const rolloutSegments = (p: Progress) => [
  { value: p.succeeded, kind: 'ok' as const },
  { value: p.failed + p.timedOut + p.rejected, kind: 'bad' as const },
  { value: p.canceled, kind: 'muted' as const },
  { value: p.inProgress, kind: 'warn' as const },
];

/** One rollout: its progress live (rolloutProgress), and pause/resume/cancel for those who may. */
function RolloutCard({ rollout, highlighted }: { rollout: RolloutFieldsFragment; highlighted: boolean }) {
  const { session } = useSession();
  const [r, setR] = useState(rollout);
  useSubscription(RolloutProgressDocument, ENDED_ROLLOUT_STATUSES.has(rollout.status) ? null : { id: rollout.id }, (e) => setR(e.rolloutProgress));
  const action = useAction();
  /** Pause, resume and cancel all answer the rollout, under their own field name. */
  const act = async (doc: Operation<Record<string, RolloutFieldsFragment>, { id: string }>) => {
    const done = await action.run(doc, { id: r.id });
    if (done) setR(Object.values(done)[0]);
  };
  const p = r.progress;
  const failed = p.failed + p.timedOut + p.rejected;
  return (
    <article className={`rollout${highlighted ? ' highlighted' : ''}`} data-rollout={r.name}>
      <header>
        <h2>{r.name}</h2>
        <Status value={r.status} />
        <span className="muted">
          {r.jobType}
          {r.imageVersion ? ` ${r.imageVersion}` : ''} · wave {r.currentWave} · created {when(r.createdAt)}
        </span>
      </header>
      <Bar segments={rolloutSegments(p)} total={p.targeted} label={`${p.succeeded} succeeded · ${failed} failed · ${p.canceled} canceled · ${p.inProgress} in progress · ${p.queued} queued of ${p.targeted}`} />
      {p.offline > 0 && (
        <p className="muted" data-testid="offline">
          {p.offline} device{p.offline > 1 ? 's are' : ' is'} offline: {p.offline > 1 ? 'their jobs wait for them' : 'its job waits for it'}
          {p.offlineUntil ? ` until ${when(p.offlineUntil)}` : ''}, then time out.
        </p>
      )}
      {r.statusReason && <p className="muted">{r.statusReason}</p>}
      {canOperate(session.role) && !ENDED_ROLLOUT_STATUSES.has(r.status) && (
        <div className="actions">
          {r.status === 'PAUSED' ? <button onClick={() => act(ResumeRolloutDocument)}>Resume</button> : <button onClick={() => act(PauseRolloutDocument)}>Pause</button>}
          <button className="danger" onClick={() => act(CancelRolloutDocument)}>
            Cancel
          </button>
        </div>
      )}
      <Problem error={action.error} />
    </article>
  );
}

export function Rollouts({ selected }: { selected?: string }) {
  const rollouts = useQuery(RolloutsDocument, {});
  return (
    <section>
      <h1>Rollouts</h1>
      <p className="muted">Create rollouts with <code>edgefleet rollouts create</code> or the createRollout mutation.</p>
      <Problem error={rollouts.error} />
      {(rollouts.data?.rollouts ?? []).map((r) => (
        <RolloutCard key={r.id} rollout={r} highlighted={r.id === selected} />
      ))}
      {rollouts.data?.rollouts.length === 0 && <p className="empty">No rollout yet.</p>}
    </section>
  );
}
