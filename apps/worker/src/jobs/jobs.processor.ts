import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, Optional } from '@nestjs/common';
import type { Job } from 'bullmq';
import { notifyNextTopic } from '@edgefleet/contracts';
import { PrismaService } from '@edgefleet/db';
import { AwsJobsClient, MqttPublisher } from '@edgefleet/iot';
import { JobEventsPublisher, JobExecutionService, JobSweeper, RolloutAdvancer } from '@edgefleet/jobs';
import type { JobName, JobPayload } from '@edgefleet/queue';
import { completeOutboxMessage } from '../outbox/outbox.relay';

type JobsJob = { [N in JobName<'jobs'>]: Job<JobPayload<'jobs', N>, unknown, N> }[JobName<'jobs'>];

/** Device notifications, job sweeps and rollout waves. */
@Processor('jobs', { concurrency: 8 })
export class JobsProcessor extends WorkerHost {
  private readonly logger = new Logger(JobsProcessor.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly executions: JobExecutionService,
    private readonly sweeper: JobSweeper,
    private readonly rollouts: RolloutAdvancer,
    private readonly events: JobEventsPublisher,
    @Optional() private readonly mqtt?: MqttPublisher,
    @Optional() private readonly aws?: AwsJobsClient,
  ) {
    super();
  }

  async process(job: JobsJob): Promise<void> {
    switch (job.name) {
      case 'notify-devices':
        await this.notify(job.data.deviceIds);
        break;
      case 'sweep': {
        // Queued by the scheduler, never through the outbox.
        const swept = await this.sweeper.sweep();
        if (swept.length) {
          this.logger.log({ count: swept.length }, 'jobs completed, failed or timed out');
          await this.events.updated({ jobIds: swept.map((s) => s.jobId), rolloutIds: [...new Set(swept.map((s) => s.rolloutId).filter((r): r is string => !!r))] });
        }
        return;
      }
      case 'advance-rollout':
        await this.rollouts.advance(job.data.rolloutId);
        break;
    }
    await completeOutboxMessage(this.prisma, job.id);
  }

  /**
   * Local backend: notify-next with each device's next execution (or none); a repeat tells
   * the device nothing new. AWS backend: the next queued execution becomes an AWS IoT job,
   * and jobs canceled here in the last hour are canceled there (both idempotent).
   */
  private async notify(deviceIds: string[]): Promise<void> {
    const next = await this.executions.nextOf(deviceIds);
    if (this.aws) {
      const canceled = await this.prisma.deviceJob.findMany({
        where: { deviceId: { in: deviceIds }, status: 'CANCELED', updatedAt: { gt: new Date(Date.now() - 3_600_000) } },
        select: { jobId: true, statusReason: true },
      });
      for (const job of canceled) await this.aws.cancelJob(job.jobId, job.statusReason ?? 'Canceled in EdgeFleet');
    }
    const timestamp = Math.floor(Date.now() / 1000);
    await Promise.all(
      deviceIds.map(async (deviceId) => {
        const execution = next.get(deviceId);
        if (this.mqtt) return this.mqtt.publish(notifyNextTopic(deviceId), execution ? { timestamp, execution } : { timestamp });
        if (execution?.status === 'QUEUED' && execution.jobDocument) await this.aws!.createJob(execution.jobId, deviceId, execution.jobDocument);
      }),
    );
  }
}
