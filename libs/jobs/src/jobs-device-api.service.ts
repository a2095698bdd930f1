import { Injectable } from '@nestjs/common';
import { Clock } from '@edgefleet/runtime';
import type { JobExecutionPayload, UpdateJobExecutionRequest } from '@edgefleet/contracts';
import {
  DomainError,
  TERMINAL_EXECUTION_STATUSES,
  type JobExecutionStatus,
  deviceJobMachine,
  eventOfDeviceUpdate,
  executionStatusOf,
} from '@edgefleet/domain';
import { JobEventsPublisher } from './job-events.publisher';
import { type ExecutionRow, executionOf, jobDocument, summaryOf } from './job-execution.view';
import { DeviceJobRepository, type JobRow } from './device-job.repository';
import type { MovedJob } from './device-job.transitions';
import { SoftwareImageService } from './software-image.service';

const actorOf = (thingName: string) => `device:${thingName}`;

/**
 * The AWS IoT Jobs device API over a device's own jobs: list pending, start next,
 * describe, update. Every change is a compare-and-set on the execution's version.
 */
@Injectable()
export class JobsDeviceApi {
  constructor(
    private readonly jobs: DeviceJobRepository,
    private readonly images: SoftwareImageService,
    private readonly events: JobEventsPublisher,
    private readonly clock: Clock,
  ) {}

  async listPending(thingName: string): Promise<{ inProgressJobs: object[]; queuedJobs: object[] }> {
    const rows = await this.jobs.pending(thingName, 100);
    return {
      inProgressJobs: rows.filter((r) => r.executionStatus === 'IN_PROGRESS').map(summaryOf),
      queuedJobs: rows.filter((r) => r.executionStatus === 'QUEUED').map(summaryOf),
    };
  }

  /** The next pending execution of a device, if any (what notify-next carries). */
  async next(thingName: string): Promise<JobExecutionPayload | undefined> {
    const [row] = await this.jobs.pending(thingName, 1);
    return row && this.execution(row);
  }

  /** Next executions of many devices at once (for notifications): deviceId → execution, or none. */
  async nextOf(deviceIds: string[]): Promise<Map<string, JobExecutionPayload>> {
    const rows = await this.jobs.nextOf(deviceIds);
    return new Map(rows.map((r) => [r.deviceId, this.execution(r)]));
  }

  /** Jobs of these devices canceled in the last hour: backends that keep their own copy of jobs cancel them there too. */
  async recentlyCanceled(deviceIds: string[]): Promise<{ jobId: string; reason: string | null }[]> {
    return this.jobs.canceledSince(deviceIds, new Date(this.clock.now().getTime() - 3_600_000));
  }

  /** StartNextPendingJobExecution: the in-progress execution, else the oldest queued one, which starts. */
  async startNext(thingName: string, req: { statusDetails?: Record<string, string>; stepTimeoutInMinutes?: number }): Promise<JobExecutionPayload | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const [row] = await this.jobs.pending(thingName, 1);
      if (!row) return undefined;
      if (row.executionStatus === 'IN_PROGRESS') return this.execution(row);
      const moved = await this.apply(row, 'IN_PROGRESS', req.statusDetails, req.stepTimeoutInMinutes, undefined);
      if (moved) return this.execution(after(row, moved));
    }
    throw new DomainError('UNEXPECTED', 'The next job execution kept changing; try again.');
  }

  /** DescribeJobExecution (`$next`: the next pending one). */
  async describe(thingName: string, jobId: string, req: { executionNumber?: number; includeJobDocument?: boolean }): Promise<JobExecutionPayload | undefined> {
    const row = jobId === '$next' ? (await this.jobs.pending(thingName, 1))[0] : await this.own(thingName, jobId);
    if (!row) return undefined;
    if (req.executionNumber !== undefined && req.executionNumber !== row.executionNumber) {
      throw new DomainError('JOB_NOT_FOUND', `Job ${jobId} has no execution number ${req.executionNumber} for this thing.`);
    }
    return this.execution(row, req.includeJobDocument !== false);
  }

  /** UpdateJobExecution: a device reports progress or an outcome. */
  async update(thingName: string, jobId: string, sessionId: string, req: UpdateJobExecutionRequest): Promise<object> {
    const row = await this.own(thingName, jobId);
    if (!row) throw new DomainError('JOB_NOT_FOUND', `Job ${jobId} has no execution for this thing.`);
    const state = stateOf(row);
    if (req.executionNumber !== undefined && req.executionNumber !== row.executionNumber) {
      throw new DomainError('INVALID_ARGUMENT', `executionNumber ${req.executionNumber} is not the current execution (${row.executionNumber}).`);
    }
    if (req.expectedVersion !== undefined && req.expectedVersion !== row.versionNumber) {
      throw new DomainError('VERSION_CONFLICT', `expectedVersion ${req.expectedVersion} does not match the current version ${row.versionNumber}.`, { executionState: state });
    }
    if (TERMINAL_EXECUTION_STATUSES.includes(row.executionStatus as JobExecutionStatus)) {
      throw new DomainError('INVALID_STATE_TRANSITION', `The execution is already ${row.executionStatus}.`, { executionState: state });
    }
    const moved = await this.apply(row, req.status, req.statusDetails, req.stepTimeoutInMinutes, sessionId);
    if (!moved) throw new DomainError('VERSION_CONFLICT', 'The execution changed meanwhile; describe it and try again.', { executionState: stateOf((await this.own(thingName, jobId))!) });
    const now = after(row, moved);
    return {
      ...(req.includeJobExecutionState ? { executionState: stateOf(now) } : {}),
      ...(req.includeJobDocument ? { jobDocument: jobDocument(now, (sha) => this.images.downloadUrl(sha)) } : {}),
    };
  }

  /**
   * AWS backend: a job execution event of AWS IoT (it reports terminal statuses only),
   * applied as if the device had reported it through us. TIMED_OUT and CANCELED are ours
   * to decide (sweeper, cancel); repeats change nothing.
   */
  async applyAwsEvent(thingName: string, jobId: string, status: string, statusDetails: Record<string, string> | undefined): Promise<void> {
    if (!['SUCCEEDED', 'FAILED', 'REJECTED'].includes(status)) return;
    let row = await this.own(thingName, jobId);
    if (!row || TERMINAL_EXECUTION_STATUSES.includes(row.executionStatus as JobExecutionStatus)) return;
    if (row.status === 'PENDING' && status !== 'REJECTED') {
      const started = await this.apply(row, 'IN_PROGRESS', undefined, undefined, undefined);
      row = started ? after(row, started) : (await this.own(thingName, jobId))!;
    }
    await this.apply(row, status, statusDetails, undefined, await this.jobs.connectionSession(thingName));
  }

  /**
   * One device-requested change, checked against the status machine, then
   * compare-and-set. A FAILED attempt with retries left goes back to the queue as a
   * new execution. Returns the job as moved, or undefined when the row changed meanwhile.
   */
  private async apply(row: JobRow, status: string, statusDetails: Record<string, string> | undefined, stepTimeoutInMinutes: number | undefined, sessionId: string | undefined): Promise<MovedJob | undefined> {
    const step = statusDetails?.step;
    const event = eventOfDeviceUpdate(status, step);
    if (!event) throw new DomainError('INVALID_ARGUMENT', `A device cannot set status ${status}; it may set IN_PROGRESS, SUCCEEDED, FAILED or REJECTED.`);
    if (row.jobType === 'REBOOT' && (event === 'DOWNLOAD' || event === 'VERIFY')) {
      throw new DomainError('INVALID_ARGUMENT', `A REBOOT job has no ${step} step.`);
    }
    const to = deviceJobMachine.next(row.status, event);
    if (!to) throw new DomainError('INVALID_STATE_TRANSITION', `The job cannot go from ${row.status} to ${status}${step ? ` (${step})` : ''}.`, { executionState: stateOf(row) });
    const reason = event === 'FAIL' || event === 'REJECT' ? (statusDetails?.reason ?? statusDetails?.message ?? `The device reported ${status}`) : undefined;
    const actor = actorOf(row.deviceId);
    let moved =
      event === 'FAIL'
        ? await this.jobs.move(row, { event: 'RETRY', actor, reason, notify: true })
        : undefined;
    const retried = moved !== undefined;
    if (!moved) {
      moved = await this.jobs.move(row, {
        event,
        actor,
        reason,
        statusDetails,
        starts: row.status === 'PENDING' && to !== 'PENDING',
        ...(event === 'DEVICE_SUCCEEDED' ? { rebootFromSession: sessionId ?? null } : {}),
        timeoutMinutes: stepTimeoutInMinutes,
        deviceSucceeded: event === 'DEVICE_SUCCEEDED',
        notify: TERMINAL_EXECUTION_STATUSES.includes(executionStatusOf(to, event === 'DEVICE_SUCCEEDED')),
      });
    }
    if (moved && (moved.from !== moved.status || retried)) await this.events.updated({ jobIds: [row.jobId], rolloutIds: row.rolloutId ? [row.rolloutId] : [] });
    return moved;
  }

  private async own(thingName: string, jobId: string): Promise<JobRow | undefined> {
    return this.jobs.ownExecution(thingName, jobId);
  }

  private execution(row: ExecutionRow, withDocument = true): JobExecutionPayload {
    return executionOf(row, withDocument ? (sha) => this.images.downloadUrl(sha) : undefined);
  }
}

/** The row with what a move changed. */
const after = <R extends ExecutionRow>(row: R, moved: MovedJob): R => ({ ...row, ...moved });

function stateOf(row: ExecutionRow) {
  const details = (row.statusDetails ?? {}) as Record<string, string>;
  return { status: row.executionStatus, ...(Object.keys(details).length ? { statusDetails: details } : {}), versionNumber: row.versionNumber };
}
