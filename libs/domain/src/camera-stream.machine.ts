import { StateMachine } from './state-machine';

export type NodeFromTemplateJobStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';
export type NodeFromTemplateJobEvent = 'SUCCEED' | 'FAIL';

/** CreateNodeFromTemplateJob: queued, then made into a camera package by a worker, or failed with a reason. */
export const nodeFromTemplateJobMachine = new StateMachine<NodeFromTemplateJobStatus, NodeFromTemplateJobEvent>('NodeFromTemplateJob', {
  SUCCEED: { PENDING: 'SUCCEEDED' },
  FAIL: { PENDING: 'FAILED' },
});
