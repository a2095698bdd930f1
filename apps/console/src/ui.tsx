import type { ReactNode } from 'react';

const STATUS_CLASS: Record<string, string> = {
  ONLINE: 'ok', RUNNING: 'ok', COMPLETED: 'ok', SUCCEEDED: 'ok', DEPLOYMENT_SUCCEEDED: 'ok', REMOVAL_SUCCEEDED: 'muted', REGISTER_COMPLETED: 'ok',
  OFFLINE: 'bad', ERROR: 'bad', FAILED: 'bad', DEPLOYMENT_FAILED: 'bad', DEPLOYMENT_ERROR: 'bad', TIMED_OUT: 'bad', REJECTED: 'bad', ABORTED: 'bad', LEASE_EXPIRED: 'bad',
  CONNECTED: 'ok', DISCONNECTED: 'muted', UPDATE_NEEDED: 'warn', REBOOTING: 'warn', PAUSED: 'warn', IN_PROGRESS: 'warn', PENDING: 'warn', DOWNLOADING: 'warn', VERIFYING: 'warn', CANCELED: 'muted', NOT_AVAILABLE: 'muted',
  ACTIVE: 'ok', DEPLOYING: 'warn', UNHEALTHY: 'bad', OUTDATED: 'warn', ROLLED_BACK: 'bad', SUPERSEDED: 'muted', REMOVING: 'warn', REMOVED: 'muted',
};

export const Status = ({ value }: { value: string | null | undefined }) => <span className={`status ${STATUS_CLASS[value ?? ''] ?? 'muted'}`}>{value ?? '—'}</span>;

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

export function Table<T>({ rows, columns, rowKey, onRow, empty = 'Nothing here yet.' }: { rows: T[]; columns: [string, (row: T) => ReactNode][]; rowKey: (row: T) => string; onRow?: (row: T) => void; empty?: string }) {
  if (rows.length === 0) return <p className="empty">{empty}</p>;
  return (
    <table>
      <thead>
        <tr>{columns.map(([h]) => <th key={h}>{h}</th>)}</tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} className={onRow ? 'link' : undefined} onClick={onRow ? () => onRow(row) : undefined} data-row={rowKey(row)}>
            {columns.map(([h, cell]) => <td key={h}>{cell(row)}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export const Problem = ({ error }: { error?: string }) => (error ? <p className="problem" role="alert">{error}</p> : null);

/** A progress bar of segments by outcome (succeeded green, failed red, canceled grey, in progress blue), so a canceled rollout never shows all green. */
export function Bar({ segments, total, label }: { segments: { value: number; kind: 'ok' | 'bad' | 'muted' | 'warn' }[]; total: number; label: string }) {
  const done = segments.filter((s) => s.kind !== 'warn').reduce((n, s) => n + s.value, 0);
  const percent = total > 0 ? Math.round((done / total) * 100) : 0;
  let left = 0;
  return (
    <div className="bar" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100} aria-label={label}>
      {segments.map((s, i) => {
        const width = total > 0 ? (s.value / total) * 100 : 0;
        const style = { left: `${left}%`, width: `${width}%` };
        left += width;
        return s.value > 0 ? <div key={i} className={s.kind} data-segment={s.kind} style={style} /> : null;
      })}
      <span>{label}</span>
    </div>
  );
}

export const go = (path: string) => void (location.hash = `#/${path}`);
