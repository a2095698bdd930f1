import { StateMachine } from './state-machine';

export type PackageImportJobStatus = 'PENDING' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
export type PackageImportJobEvent = 'SUCCEED' | 'FAIL';

/** CreatePackageImportJob: IN_PROGRESS while the version registers, then SUCCEEDED or FAILED with the reason. */
export const packageImportJobMachine = new StateMachine<PackageImportJobStatus, PackageImportJobEvent>('Package import job', {
  SUCCEED: { PENDING: 'SUCCEEDED', IN_PROGRESS: 'SUCCEEDED' },
  FAIL: { PENDING: 'FAILED', IN_PROGRESS: 'FAILED' },
});
