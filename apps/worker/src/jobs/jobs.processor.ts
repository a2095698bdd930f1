import { Processor } from '@nestjs/bullmq';
import { PrismaService } from '@edgefleet/db';
import { JobDispatch } from '@edgefleet/iot';
import { JobsDeviceApi, JobSweeper, RolloutAdvancer } from '@edgefleet/jobs';
import { OutboxProcessor, type QueueJob } from '../outbox/outbox.processor';

/** Device notifications, job sweeps and rollout waves. */
@Processor('jobs', { concurrency: 8 })
export class JobsProcessor extends OutboxProcessor<'jobs'> {
  constructor(
    prisma: PrismaService,
    private readonly executions: JobsDeviceApi,
    private readonly sweeper: JobSweeper,
    private readonly rollouts: RolloutAdvancer,
    private readonly dispatch: JobDispatch,
  ) {
    super(prisma);
  }

  protected override fromOutbox(job: QueueJob<'jobs'>): boolean {
    return job.name !== 'sweep'; // queued by the scheduler, never through the outbox
  }

  protected async handle(job: QueueJob<'jobs'>): Promise<void> {
    switch (job.name) {
      case 'notify-devices': {
        const { deviceIds } = job.data;
        await this.dispatch.dispatch(deviceIds, await this.executions.nextOf(deviceIds), () => this.executions.recentlyCanceled(deviceIds));
        return;
      }
      case 'sweep': {
        const swept = await this.sweeper.sweep();
        if (swept.length) this.logger.log({ count: swept.length }, 'jobs completed, failed or timed out');
        return;
      }
      case 'advance-rollout':
        await this.rollouts.advance(job.data.rolloutId);
        return;
    }
  }
}
