import { StateMachine } from './state-machine';

export const DEVICE_JOB_TYPES = ['OTA', 'REBOOT'] as const;
export type DeviceJobType = (typeof DEVICE_JOB_TYPES)[number];

/** Panorama's job statuses, plus CANCELED, TIMED_OUT and REJECTED, which Panorama leaves implicit. */
export const DEVICE_JOB_STATUSES = [
  'PENDING',
  'IN_PROGRESS',
  'DOWNLOADING',
  'VERIFYING',
  'REBOOTING',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'TIMED_OUT',
  'REJECTED',
] as const;
export type DeviceJobStatus = (typeof DEVICE_JOB_STATUSES)[number];

const TERMINAL_JOB_STATUSES: readonly DeviceJobStatus[] = ['COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT', 'REJECTED'];
export const ACTIVE_JOB_STATUSES: readonly DeviceJobStatus[] = DEVICE_JOB_STATUSES.filter((s) => !TERMINAL_JOB_STATUSES.includes(s));

/** AWS IoT Jobs' execution statuses: what the device protocol speaks. */
export const JOB_EXECUTION_STATUSES = ['QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED', 'REMOVED'] as const;
export type JobExecutionStatus = (typeof JOB_EXECUTION_STATUSES)[number];
export const TERMINAL_EXECUTION_STATUSES: readonly JobExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED', 'REMOVED'];

export type DeviceJobEvent =
  /** The device took the job (start-next, or IN_PROGRESS without a step); repeats keep the current step. */
  | 'START'
  | 'DOWNLOAD'
  | 'VERIFY'
  | 'REBOOT'
  /** The device reported SUCCEEDED: the job now waits for it to come back after its reboot. */
  | 'DEVICE_SUCCEEDED'
  /** The device came back (on the new version, for an OTA). */
  | 'CONFIRM'
  | 'FAIL'
  | 'REJECT'
  | 'CANCEL'
  | 'TIME_OUT'
  /** A failed or timed-out attempt with retries left goes back to the queue as a new execution. */
  | 'RETRY';

const RUNNING = { IN_PROGRESS: 'IN_PROGRESS', DOWNLOADING: 'DOWNLOADING', VERIFYING: 'VERIFYING', REBOOTING: 'REBOOTING' } as const;
const EVERY_ACTIVE = (to: DeviceJobStatus) => ({ PENDING: to, IN_PROGRESS: to, DOWNLOADING: to, VERIFYING: to, REBOOTING: to });

/**
 * PENDING → IN_PROGRESS → DOWNLOADING → VERIFYING → REBOOTING → COMPLETED; steps never go
 * back (a repeat of the current one is allowed: devices retry their updates). Terminal
 * states are final; a retry is a new execution of the same job, from PENDING.
 */
export const deviceJobMachine = new StateMachine<DeviceJobStatus, DeviceJobEvent>('Device job', {
  START: { PENDING: 'IN_PROGRESS', ...RUNNING },
  DOWNLOAD: { PENDING: 'DOWNLOADING', IN_PROGRESS: 'DOWNLOADING', DOWNLOADING: 'DOWNLOADING' },
  VERIFY: { PENDING: 'VERIFYING', IN_PROGRESS: 'VERIFYING', DOWNLOADING: 'VERIFYING', VERIFYING: 'VERIFYING' },
  REBOOT: { PENDING: 'REBOOTING', IN_PROGRESS: 'REBOOTING', DOWNLOADING: 'REBOOTING', VERIFYING: 'REBOOTING', REBOOTING: 'REBOOTING' },
  DEVICE_SUCCEEDED: { IN_PROGRESS: 'REBOOTING', DOWNLOADING: 'REBOOTING', VERIFYING: 'REBOOTING', REBOOTING: 'REBOOTING' },
  CONFIRM: { REBOOTING: 'COMPLETED' },
  FAIL: EVERY_ACTIVE('FAILED'),
  REJECT: { PENDING: 'REJECTED', IN_PROGRESS: 'REJECTED', DOWNLOADING: 'REJECTED', VERIFYING: 'REJECTED' },
  CANCEL: { PENDING: 'CANCELED' },
  TIME_OUT: EVERY_ACTIVE('TIMED_OUT'),
  RETRY: EVERY_ACTIVE('PENDING'),
});

/** The AWS IoT execution status a device sees for a job status. */
export function executionStatusOf(status: DeviceJobStatus, deviceReportedSucceeded = false): JobExecutionStatus {
  switch (status) {
    case 'PENDING':
      return 'QUEUED';
    case 'IN_PROGRESS':
    case 'DOWNLOADING':
    case 'VERIFYING':
      return 'IN_PROGRESS';
    case 'REBOOTING':
      return deviceReportedSucceeded ? 'SUCCEEDED' : 'IN_PROGRESS';
    case 'COMPLETED':
      return 'SUCCEEDED';
    default:
      return status;
  }
}

/** The job event a device's UpdateJobExecution asks for, or undefined for a status devices may not set. */
export function eventOfDeviceUpdate(status: string, step: string | undefined): DeviceJobEvent | undefined {
  switch (status) {
    case 'IN_PROGRESS':
      return step === 'DOWNLOADING' ? 'DOWNLOAD' : step === 'VERIFYING' ? 'VERIFY' : step === 'REBOOTING' ? 'REBOOT' : 'START';
    case 'SUCCEEDED':
      return 'DEVICE_SUCCEEDED';
    case 'FAILED':
      return 'FAIL';
    case 'REJECTED':
      return 'REJECT';
    default:
      return undefined; // QUEUED, TIMED_OUT, CANCELED, REMOVED are the service's to set
  }
}

/** Which server-side timeout applies while a job is in a status. */
export function timeoutStepOf(status: DeviceJobStatus): 'queued' | 'inProgress' | 'rebooting' | undefined {
  if (status === 'PENDING') return 'queued';
  if (status === 'REBOOTING') return 'rebooting';
  return ACTIVE_JOB_STATUSES.includes(status) ? 'inProgress' : undefined;
}
