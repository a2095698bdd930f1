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
