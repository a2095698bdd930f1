import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CONFIG, type Config } from '@edgefleet/config';
import { RolloutAdvancer } from '@edgefleet/jobs';

/**
 * Every JOB_SWEEP_MS, queues one job sweep and one step of each running rollout.
 * Job ids name the time slot, so several workers queue each step once; Postgres says
 * what is running, so a flushed Redis loses nothing.
 */
@Injectable()
export class JobsScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobsScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly rollouts: RolloutAdvancer,
    @InjectQueue('jobs') private readonly queue: Queue,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick().catch((err) => this.logger.warn({ err: (err as Error).message }, 'job scheduling failed; next tick retries')), this.config.JOB_SWEEP_MS);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    const slot = Math.floor(Date.now() / this.config.JOB_SWEEP_MS);
    const options = { removeOnComplete: { age: 60 }, removeOnFail: { age: 3600 }, attempts: 1 };
    const ids = await this.rollouts.activeIds();
    await this.queue.addBulk([
      { name: 'sweep', data: {}, opts: { ...options, jobId: `sweep-${slot}` } },
      ...ids.map((rolloutId) => ({ name: 'advance-rollout' as const, data: { rolloutId }, opts: { ...options, jobId: `advance-${rolloutId}-${slot}` } })),
    ]);
  }
}
