import type { JobExecutionPayload } from '@edgefleet/contracts';
import { notifyNextTopic } from '@edgefleet/contracts';
import type { AwsJobsClient } from './aws-jobs.client';
import type { MqttPublisher } from './mqtt.publisher';
import type { Clock } from '@edgefleet/runtime';

export interface CanceledJob {
  jobId: string;
  reason: string | null;
}

/** How devices hear about their jobs: notify-next through our gateways (local), or AWS IoT jobs (aws). */
export abstract class JobDispatch {
  /**
   * Tells each device its next execution (or that it has none). `recentlyCanceled` gives the
   * jobs of these devices canceled lately, for backends that hold their own copy of jobs.
   */
  abstract dispatch(deviceIds: string[], next: Map<string, JobExecutionPayload>, recentlyCanceled: () => Promise<CanceledJob[]>): Promise<void>;
}

/** notify-next with each device's next execution, or none; a repeat tells the device nothing new. */
export class LocalJobDispatch extends JobDispatch {
  constructor(
    private readonly mqtt: MqttPublisher,
    private readonly clock: Clock,
  ) {
    super();
  }

  async dispatch(deviceIds: string[], next: Map<string, JobExecutionPayload>): Promise<void> {
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    await Promise.all(deviceIds.map((deviceId) => {
      const execution = next.get(deviceId);
      return this.mqtt.publish(notifyNextTopic(deviceId), execution ? { timestamp, execution } : { timestamp });
    }));
  }
}

/** The next queued execution becomes an AWS IoT job, and jobs canceled here are canceled there (both idempotent). */
export class AwsJobDispatch extends JobDispatch {
  constructor(private readonly aws: AwsJobsClient) {
    super();
  }

  async dispatch(deviceIds: string[], next: Map<string, JobExecutionPayload>, recentlyCanceled: () => Promise<CanceledJob[]>): Promise<void> {
    for (const job of await recentlyCanceled()) await this.aws.cancelJob(job.jobId, job.reason ?? 'Canceled in EdgeFleet');
    await Promise.all(deviceIds.map(async (deviceId) => {
      const execution = next.get(deviceId);
      if (execution?.status === 'QUEUED' && execution.jobDocument) await this.aws.createJob(execution.jobId, deviceId, execution.jobDocument);
    }));
  }
}
