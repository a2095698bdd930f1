/**
 * Every queue, its job names and their payloads, in one typed map: a producer
 * cannot send a payload its processor does not expect.
 */
export interface QueuePayloads {
  devices: {
    /** Remove a device that reached DELETING, with its dependents and IoT resources. */
    'purge-device': { deviceId: string; organizationId: string };
  };
  jobs: {
    /** Tell devices their next job execution (notify-next; CreateJob with the AWS backend). */
    'notify-devices': { deviceIds: string[] };
    /** Completion checks, timeouts and retries of device jobs, set-based. */
    sweep: Record<string, never>;
    /** Create a rollout's next wave, or abort or complete it. */
    'advance-rollout': { rolloutId: string };
  };
  applications: {
    /**
     * Write the device's desired `applications` state from its instances (validating pending ones
     * again). Also written by the Device trigger (migration 20261208090000) when a device that has a
     * deployment waiting for its software reports a new version.
     */
    'sync-device': { deviceId: string };
    /** Follow the device's reported `applications` state into instance and node-instance rows. */
    'project-report': { deviceId: string };
    /** Deployment steps past their deadline, and health watches of group deployments. */
    sweep: Record<string, never>;
    /** Bring the device's group deployments up to date: it joined or left a group, or a deployment changed. */
    'reconcile-deployments': { deviceId: string };
  };
  groups: {
    /**
     * Evaluate the device against its organization's dynamic groups. Also written by the Device
     * trigger (migration 20261208090000) whenever a field group queries read changes.
     */
    'evaluate-device': { deviceId: string };
    /** Evaluate a dynamic group's (new) query over its organization's devices. */
    'evaluate-group': { groupId: string };
  };
  streams: {
    /** Make a CreateNodeFromTemplateJob's camera package, or fail the job with the reason. */
    'create-camera-node': { jobId: string };
  };
}

export type QueueName = keyof QueuePayloads;
export type JobName<Q extends QueueName> = keyof QueuePayloads[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = QueuePayloads[Q][N];

export const QUEUE_NAMES: readonly QueueName[] = ['devices', 'jobs', 'streams', 'applications', 'groups'];

/** Transient failures retry with exponential backoff; UnrecoverableError stops at once. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
