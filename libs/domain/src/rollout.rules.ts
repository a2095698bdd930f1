import { z } from 'zod';
import { StateMachine } from './state-machine';

export const ROLLOUT_STATUSES = ['PENDING', 'IN_PROGRESS', 'PAUSED', 'COMPLETED', 'ABORTED', 'CANCELED'] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

export type RolloutEvent = 'START' | 'PAUSE' | 'RESUME' | 'COMPLETE' | 'ABORT' | 'CANCEL';

export const rolloutMachine = new StateMachine<RolloutStatus, RolloutEvent>('Rollout', {
  START: { PENDING: 'IN_PROGRESS' },
  PAUSE: { PENDING: 'PAUSED', IN_PROGRESS: 'PAUSED' },
  RESUME: { PAUSED: 'IN_PROGRESS' },
  COMPLETE: { IN_PROGRESS: 'COMPLETED' },
  ABORT: { IN_PROGRESS: 'ABORTED' },
  CANCEL: { PENDING: 'CANCELED', IN_PROGRESS: 'CANCELED', PAUSED: 'CANCELED' },
});

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

export interface RolloutTally {
  executed: number;
  failed: number;
}

/** AWS IoT Jobs' abort criterion: enough executions, and at least failurePercent of them failed. */
export function shouldAbort(config: AbortConfig | null | undefined, tally: RolloutTally): boolean {
  if (!config || tally.executed < config.minExecutedForAbort) return false;
  return (tally.failed / tally.executed) * 100 >= config.failurePercent;
}
