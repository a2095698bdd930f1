import { z } from 'zod';
import { JOB_EXECUTION_STATUSES } from '@edgefleet/domain';

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

const statusDetails = z
  .record(z.string().regex(/^[a-zA-Z0-9:_-]+$/).max(128), z.string().min(1).max(1024))
  .refine((m) => Object.keys(m).length <= 10, 'at most 10 entries');

/** UpdateJobExecution's request body, as the AWS IoT Device SDK sends it (the topic's parameters and clientToken aside). */
export const updateJobExecutionRequest = z.object({
  status: z.enum(JOB_EXECUTION_STATUSES),
  statusDetails: statusDetails.optional(),
  expectedVersion: z.number().int().positive().optional(),
  executionNumber: z.number().int().positive().optional(),
  includeJobExecutionState: z.boolean().optional(),
  includeJobDocument: z.boolean().optional(),
  stepTimeoutInMinutes: z.number().int().min(1).max(10_080).optional(),
});
export type UpdateJobExecutionRequest = z.infer<typeof updateJobExecutionRequest>;

export const startNextRequest = z.object({
  statusDetails: statusDetails.optional(),
  stepTimeoutInMinutes: z.number().int().min(1).max(10_080).optional(),
});

export const describeJobExecutionRequest = z.object({
  executionNumber: z.number().int().positive().optional(),
  includeJobDocument: z.boolean().optional(),
});

export const getPendingRequest = z.object({});

/** AWS IoT's `$aws/events/jobExecution/<jobId>/<operation>` event, as far as it is read. */
export const jobExecutionEvent = z.object({
  thingArn: z.string().regex(/:thing\/[^/]+$/, 'must be a thing ARN'),
  status: z.enum(JOB_EXECUTION_STATUSES),
  statusDetails: z.record(z.string(), z.string()).optional(),
});
