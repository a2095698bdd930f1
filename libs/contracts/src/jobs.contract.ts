import { z } from 'zod';

/** AWS IoT Jobs device API topics: `get`, `start-next`, `<jobId>/get`, `<jobId>/update`. */
const JOBS_TOPIC = /^\$aws\/things\/([^/#+]+)\/jobs\/(?:(get|start-next)|(\$next|[a-zA-Z0-9_-]{1,64})\/(get|update))$/;

export type JobsOperation = 'list' | 'start-next' | 'describe' | 'update';

export function parseJobsTopic(topic: string): { thingName: string; op: JobsOperation; jobId?: string } | undefined {
  const m = JOBS_TOPIC.exec(topic);
  if (!m) return undefined;
  if (m[2]) return { thingName: m[1], op: m[2] === 'get' ? 'list' : 'start-next' };
  return { thingName: m[1], op: m[4] === 'get' ? 'describe' : 'update', jobId: m[3] };
}

export const jobsTopic = (thingName: string, suffix: string) => `$aws/things/${thingName}/jobs/${suffix}`;
export const notifyNextTopic = (thingName: string) => jobsTopic(thingName, 'notify-next');

/** What a device job asks the device to do: the job document of the AWS IoT job. */
export type JobDocument =
  | { operation: 'OTA'; imageVersion: string; url: string; sha256: string; size: number }
  | { operation: 'REBOOT' };

/** AWS IoT's JobExecution as devices receive it; times are epoch seconds. */
export interface JobExecutionPayload {
  jobId: string;
  thingName: string;
  jobDocument?: JobDocument;
  status: string;
  statusDetails?: Record<string, string>;
  queuedAt: number;
  startedAt?: number;
  lastUpdatedAt: number;
  versionNumber: number;
  executionNumber: number;
}

/** AWS IoT Jobs' error codes in `/rejected` payloads. */
export type JobsErrorCode =
  | 'InvalidTopic'
  | 'InvalidJson'
  | 'InvalidRequest'
  | 'InvalidStateTransition'
  | 'ResourceNotFound'
  | 'VersionMismatch'
  | 'InternalError'
  | 'RequestThrottled'
  | 'TerminalStateReached';

export class JobsError extends Error {
  constructor(
    readonly code: JobsErrorCode,
    message: string,
    readonly executionState?: { status: string; statusDetails?: Record<string, string>; versionNumber: number },
  ) {
    super(message);
  }
}

const statusDetails = z
  .record(z.string().regex(/^[a-zA-Z0-9:_-]+$/).max(128), z.string().min(1).max(1024))
  .refine((m) => Object.keys(m).length <= 10, 'at most 10 entries');

/** UpdateJobExecution's request body, as the AWS IoT Device SDK sends it. */
export const updateJobExecutionRequest = z.object({
  thingName: z.string().optional(),
  jobId: z.string().optional(),
  status: z.enum(['QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED', 'REMOVED']),
  statusDetails: statusDetails.optional(),
  expectedVersion: z.number().int().positive().optional(),
  executionNumber: z.number().int().positive().optional(),
  includeJobExecutionState: z.boolean().optional(),
  includeJobDocument: z.boolean().optional(),
  stepTimeoutInMinutes: z.number().int().min(1).max(10_080).optional(),
  clientToken: z.string().max(64).optional(),
});
export type UpdateJobExecutionRequest = z.infer<typeof updateJobExecutionRequest>;

export const startNextRequest = z.object({
  thingName: z.string().optional(),
  statusDetails: statusDetails.optional(),
  stepTimeoutInMinutes: z.number().int().min(1).max(10_080).optional(),
  clientToken: z.string().max(64).optional(),
});

export const describeJobExecutionRequest = z.object({
  thingName: z.string().optional(),
  jobId: z.string().optional(),
  executionNumber: z.number().int().positive().optional(),
  includeJobDocument: z.boolean().optional(),
  clientToken: z.string().max(64).optional(),
});

export const getPendingRequest = z.object({ thingName: z.string().optional(), clientToken: z.string().max(64).optional() });
