import { z } from 'zod';
import type { RolloutStatus } from './rollout.machine';

export const wavesSchema = z.object({
  initialSize: z.number().int().min(1).max(100_000),
  growthFactor: z.number().min(1).max(100),
  /** Device jobs created per minute at most; absent: no cap. */
  maxPerMinute: z.number().int().min(1).max(1_000_000).nullish(),
});
export type Waves = z.infer<typeof wavesSchema>;

export const abortConfigSchema = z.object({
  /** Abort when at least this share (0–100) of the executed jobs failed, timed out or were rejected… */
  failurePercent: z.number().min(0).max(100),
  /** …and at least this many jobs have executed. */
  minExecutedForAbort: z.number().int().min(1),
});
export type AbortConfig = z.infer<typeof abortConfigSchema>;

/** Per-step server-side timeouts of the rollout's jobs; absent ones come from configuration. */
export const jobTimeoutsSchema = z.object({
  queuedSeconds: z.number().int().min(1).max(30 * 86_400).nullish(),
  inProgressSeconds: z.number().int().min(1).max(7 * 86_400).nullish(),
  rebootingSeconds: z.number().int().min(1).max(86_400).nullish(),
});
export type JobTimeouts = z.infer<typeof jobTimeoutsSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');
const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'is not an IANA time zone');

/** A daily window (start–end, may cross midnight), or windows opening at each cron occurrence for durationMinutes. */
export const maintenanceWindowSchema = z
  .object({
    cron: z.string().min(9).max(100).nullish(),
    durationMinutes: z.number().int().min(1).max(7 * 1440).nullish(),
    start: hhmm.nullish(),
    end: hhmm.nullish(),
    timezone: timezone.default('UTC'),
  })
  .refine((w) => (w.cron ? w.durationMinutes && !w.start && !w.end : w.start && w.end && !w.durationMinutes), {
    message: 'give either cron with durationMinutes, or start and end',
  });
export type MaintenanceWindow = z.infer<typeof maintenanceWindowSchema>;

/** Size of wave `index` (0-based): initialSize × growthFactor^index. */
export function waveSize(waves: Waves, index: number): number {
  return Math.max(1, Math.ceil(waves.initialSize * waves.growthFactor ** index));
}

/** How many jobs waves 0..index create together. */
export function devicesThroughWave(waves: Waves, index: number): number {
  let total = 0;
  for (let i = 0; i <= index; i++) total += waveSize(waves, i);
  return total;
}

export interface AbortTally {
  executed: number;
  failed: number;
}

/** AWS IoT Jobs' abort criterion: enough executions, and at least failurePercent of them failed. */
export function shouldAbort(config: AbortConfig | null | undefined, tally: AbortTally): boolean {
  if (!config || tally.executed < config.minExecutedForAbort) return false;
  return (tally.failed / tally.executed) * 100 >= config.failurePercent;
}

/** A rollout's jobs, counted by what the next step needs. */
export interface RolloutTally {
  /** Jobs created so far. */
  total: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  /** Jobs not ended yet. */
  active: number;
  /** Active jobs other than those queued for an offline device: the current wave is still running while any are left. */
  unsettled: number;
  /** Jobs created in the last minute (for maxPerMinute). */
  createdLastMinute: number;
}

export interface RolloutState {
  status: RolloutStatus;
  currentWave: number;
  waves: Waves;
  abortConfig?: AbortConfig | null;
}

export type RolloutStep =
  /** Nothing to do: the rollout is not running (paused or ended). */
  | { kind: 'idle' }
  | { kind: 'wait'; why: 'window' | 'wave' | 'rate' | 'active' }
  | { kind: 'abort'; reason: string }
  /** Create up to `limit` jobs, in wave `wave`. */
  | { kind: 'create'; wave: number; limit: number }
  | { kind: 'complete' };

/**
 * The next step of a rollout, from its jobs' tally: start (when its window opens), abort when
 * too many failed, wait for the current wave to settle, then release the next wave within the
 * rate; complete once no target is left (`exhausted`) and no job is active.
 */
export function nextRolloutStep(r: RolloutState, t: RolloutTally, windowOpen: boolean, exhausted = false, maxBatch = 10_000): { start: boolean; step: RolloutStep } {
  if (r.status !== 'PENDING' && r.status !== 'IN_PROGRESS') return { start: false, step: { kind: 'idle' } };
  if (r.status === 'PENDING' && !windowOpen) return { start: false, step: { kind: 'wait', why: 'window' } };
  const start = r.status === 'PENDING';
  const executed = t.succeeded + t.failed + t.timedOut;
  const failed = t.failed + t.timedOut;
  if (shouldAbort(r.abortConfig, { executed, failed })) {
    return { start, step: { kind: 'abort', reason: `${failed} of ${executed} executed jobs failed or timed out (threshold ${r.abortConfig!.failurePercent}%)` } };
  }
  if (!windowOpen) return { start, step: { kind: 'wait', why: 'window' } };
  let wave = r.currentWave;
  if (t.total >= devicesThroughWave(r.waves, wave)) {
    if (t.unsettled > 0) return { start, step: { kind: 'wait', why: 'wave' } };
    wave++;
  }
  if (exhausted) return { start, step: t.active > 0 ? { kind: 'wait', why: 'active' } : { kind: 'complete' } };
  let room = devicesThroughWave(r.waves, wave) - t.total;
  if (r.waves.maxPerMinute) room = Math.min(room, r.waves.maxPerMinute - t.createdLastMinute);
  if (room <= 0) return { start, step: { kind: 'wait', why: 'rate' } };
  return { start, step: { kind: 'create', wave, limit: Math.min(room, maxBatch) } };
}
