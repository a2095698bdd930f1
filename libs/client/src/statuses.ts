import type { ApplicationInstanceStatus, RolloutStatus, UpdateProgress } from './generated/graphql';

/** Statuses after which nothing changes any more: what the CLI's --wait and the console's live views stop at. */
export const FINISHED_JOB_STATUSES: ReadonlySet<UpdateProgress> = new Set(['COMPLETED', 'FAILED', 'TIMED_OUT', 'REJECTED', 'CANCELED']);
export const ENDED_ROLLOUT_STATUSES: ReadonlySet<RolloutStatus> = new Set(['COMPLETED', 'ABORTED', 'CANCELED']);
export const ENDED_DEPLOYMENT_STATUSES: ReadonlySet<ApplicationInstanceStatus> = new Set(['DEPLOYMENT_SUCCEEDED', 'DEPLOYMENT_FAILED', 'DEPLOYMENT_ERROR']);
