import { newId } from './ids';
import { StateMachine } from './state-machine';

export const APPLICATION_INSTANCE_STATUSES = [
  'DEPLOYMENT_PENDING',
  'DEPLOYMENT_REQUESTED',
  'DEPLOYMENT_IN_PROGRESS',
  'DEPLOYMENT_ERROR',
  'DEPLOYMENT_SUCCEEDED',
  'REMOVAL_PENDING',
  'REMOVAL_REQUESTED',
  'REMOVAL_IN_PROGRESS',
  'REMOVAL_FAILED',
  'REMOVAL_SUCCEEDED',
  'DEPLOYMENT_FAILED',
] as const;
export type ApplicationInstanceStatus = (typeof APPLICATION_INSTANCE_STATUSES)[number];
export const APPLICATION_HEALTH_STATUSES = ['RUNNING', 'ERROR', 'NOT_AVAILABLE'] as const;
export type ApplicationHealthStatus = (typeof APPLICATION_HEALTH_STATUSES)[number];
export const NODE_INSTANCE_STATUSES = ['RUNNING', 'ERROR', 'NOT_AVAILABLE', 'PAUSED'] as const;
export type NodeInstanceStatus = (typeof NODE_INSTANCE_STATUSES)[number];
export const NODE_SIGNALS = ['PAUSE', 'RESUME'] as const;
export type NodeSignal = (typeof NODE_SIGNALS)[number];

export type ApplicationInstanceEvent =
  /** The worker checked the manifest again and wrote the device's desired `applications` state. */
  | 'REQUEST'
  /** The device took it (downloading, starting). */
  | 'START'
  | 'SUCCEED'
  /** The device could not run it (a download, a digest, a node that would not start). */
  | 'ERROR'
  /** EdgeFleet gave up: the manifest no longer checks, a quota, a timeout, a replacement that did not run. */
  | 'FAIL'
  | 'REMOVE'
  | 'REQUEST_REMOVAL'
  | 'START_REMOVAL'
  | 'REMOVED'
  | 'FAIL_REMOVAL';

const DEPLOYING = { DEPLOYMENT_PENDING: 'DEPLOYMENT_FAILED', DEPLOYMENT_REQUESTED: 'DEPLOYMENT_FAILED', DEPLOYMENT_IN_PROGRESS: 'DEPLOYMENT_FAILED' } as const;

/**
 * Panorama's application instance statuses: DEPLOYMENT_PENDING → DEPLOYMENT_REQUESTED →
 * DEPLOYMENT_IN_PROGRESS → DEPLOYMENT_SUCCEEDED | DEPLOYMENT_ERROR | DEPLOYMENT_FAILED, and
 * REMOVAL_PENDING → REMOVAL_REQUESTED → REMOVAL_IN_PROGRESS → REMOVAL_SUCCEEDED | REMOVAL_FAILED.
 * A device may report success without an in-progress step in between, and a removal it made on
 * its own (the instance a replacement that runs replaced) before the removal was requested.
 */
export const applicationInstanceMachine = new StateMachine<ApplicationInstanceStatus, ApplicationInstanceEvent>('Application instance', {
  REQUEST: { DEPLOYMENT_PENDING: 'DEPLOYMENT_REQUESTED' },
  START: { DEPLOYMENT_REQUESTED: 'DEPLOYMENT_IN_PROGRESS' },
  SUCCEED: { DEPLOYMENT_REQUESTED: 'DEPLOYMENT_SUCCEEDED', DEPLOYMENT_IN_PROGRESS: 'DEPLOYMENT_SUCCEEDED', DEPLOYMENT_ERROR: 'DEPLOYMENT_SUCCEEDED' },
  ERROR: { DEPLOYMENT_REQUESTED: 'DEPLOYMENT_ERROR', DEPLOYMENT_IN_PROGRESS: 'DEPLOYMENT_ERROR', DEPLOYMENT_SUCCEEDED: 'DEPLOYMENT_ERROR' },
  FAIL: { ...DEPLOYING, DEPLOYMENT_ERROR: 'DEPLOYMENT_FAILED' },
  REMOVE: {
    DEPLOYMENT_PENDING: 'REMOVAL_PENDING',
    DEPLOYMENT_REQUESTED: 'REMOVAL_PENDING',
    DEPLOYMENT_IN_PROGRESS: 'REMOVAL_PENDING',
    DEPLOYMENT_SUCCEEDED: 'REMOVAL_PENDING',
    DEPLOYMENT_ERROR: 'REMOVAL_PENDING',
    DEPLOYMENT_FAILED: 'REMOVAL_PENDING',
    REMOVAL_FAILED: 'REMOVAL_PENDING',
  },
  REQUEST_REMOVAL: { REMOVAL_PENDING: 'REMOVAL_REQUESTED' },
  START_REMOVAL: { REMOVAL_REQUESTED: 'REMOVAL_IN_PROGRESS' },
  REMOVED: { REMOVAL_PENDING: 'REMOVAL_SUCCEEDED', REMOVAL_REQUESTED: 'REMOVAL_SUCCEEDED', REMOVAL_IN_PROGRESS: 'REMOVAL_SUCCEEDED' },
  FAIL_REMOVAL: { REMOVAL_PENDING: 'REMOVAL_FAILED', REMOVAL_REQUESTED: 'REMOVAL_FAILED', REMOVAL_IN_PROGRESS: 'REMOVAL_FAILED' },
});

/** Statuses in which an instance is (or is about to be) on its device: what the device's desired state holds. */
export const ON_DEVICE_STATUSES: readonly ApplicationInstanceStatus[] = ['DEPLOYMENT_PENDING', 'DEPLOYMENT_REQUESTED', 'DEPLOYMENT_IN_PROGRESS', 'DEPLOYMENT_SUCCEEDED', 'DEPLOYMENT_ERROR'];
/** Statuses nothing on the device follows any more: the device's reported entry has served. */
export const SETTLED_STATUSES: readonly ApplicationInstanceStatus[] = ['DEPLOYMENT_FAILED', 'REMOVAL_SUCCEEDED', 'REMOVAL_FAILED'];
/** What the device's desired state holds: instances on the device, once the worker has checked them again. */
export const IN_DESIRED_STATE_STATUSES: readonly ApplicationInstanceStatus[] = ON_DEVICE_STATUSES.filter((s) => s !== 'DEPLOYMENT_PENDING');

/** What the device reports, per instance, to the event that moves it. */
export const REPORTED_EVENTS: Record<string, ApplicationInstanceEvent> = {
  DEPLOYMENT_IN_PROGRESS: 'START',
  DEPLOYMENT_SUCCEEDED: 'SUCCEED',
  DEPLOYMENT_FAILED: 'FAIL',
  DEPLOYMENT_ERROR: 'ERROR',
  REMOVAL_IN_PROGRESS: 'START_REMOVAL',
  REMOVAL_SUCCEEDED: 'REMOVED',
  REMOVAL_FAILED: 'FAIL_REMOVAL',
};

export const newApplicationInstanceId = () => newId('applicationInstance');

/** Panorama's descriptions of the steps. */
export const STATUS_DESCRIPTIONS = {
  scheduled: 'Deployment Workflow has been scheduled.',
  validated: 'Deployment Workflow has completed data validation.',
  deployed: 'Application deployed successfully.',
  removalScheduled: 'Removal Workflow has been scheduled.',
  removed: 'Application removed successfully.',
} as const;

/** `<package>-<version>-<first 8 of the patch>-<node>`, Panorama's node id. */
export const nodeIdOf = (packageName: string, packageVersion: string, patchVersion: string, nodeName: string) =>
  `${packageName.replace(/^\d{12}::/, '')}-${packageVersion}-${patchVersion.slice(0, 8)}-${nodeName}`;
