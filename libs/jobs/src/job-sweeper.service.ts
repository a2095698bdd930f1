import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DeviceJobRepository } from './device-job.repository';
import type { Sweep } from './device-job.transitions';
import { JobEventsPublisher } from './job-events.publisher';

export interface SweptJob {
  jobId: string;
  deviceId: string;
  rolloutId: string | null;
  to: string;
}

/**
 * The server side of job executions, set-based so it scales with the fleet: jobs whose
 * device came back after its reboot complete (or fail, on the old version), and jobs past
 * their step's deadline time out (or, with retries left, go back to the queue).
 * Rows are claimed with SKIP LOCKED, so several workers can sweep at once.
 */
@Injectable()
export class JobSweeper {
  constructor(
    private readonly jobs: DeviceJobRepository,
    private readonly events: JobEventsPublisher,
  ) {}

  /** Completions, then timeouts; subscribers hear about every job and rollout that moved. */
  async sweep(): Promise<SweptJob[]> {
    const swept = [...(await this.complete()), ...(await this.timeOut())];
    await this.events.updated({ jobIds: swept.map((s) => s.jobId), rolloutIds: [...new Set(swept.map((s) => s.rolloutId).filter((r): r is string => !!r))] });
    return swept;
  }

  complete(): Promise<SweptJob[]> {
    return this.run('complete');
  }

  /** Active jobs past their deadline: TIMED_OUT, or a new execution when retries are left and the device had started it. */
  timeOut(): Promise<SweptJob[]> {
    return this.run('timeOut');
  }

  private async run(sweep: Sweep): Promise<SweptJob[]> {
    const moved = await this.jobs.sweep(sweep, `notify-sweep-${randomUUID()}`);
    return moved.map((j) => ({ jobId: j.jobId, deviceId: j.deviceId, rolloutId: j.rolloutId, to: j.status }));
  }
}
