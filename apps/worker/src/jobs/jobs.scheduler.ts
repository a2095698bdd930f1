import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CONFIG, type Config } from '@edgefleet/config';
import { RolloutAdvancer } from '@edgefleet/jobs';
import { Clock, Scheduler } from '@edgefleet/runtime';

/**
 * Every JOB_SWEEP_MS, queues one job sweep and one step of each running rollout.
 * Job ids name the time slot, so several workers queue each step once; Postgres says
 * what is running, so a flushed Redis loses nothing.
 */
@Injectable()
export class JobsScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly rollouts: RolloutAdvancer,
    @InjectQueue('jobs') private readonly queue: Queue,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every('job sweeps and rollout steps', this.config.JOB_SWEEP_MS, () => this.tick());
  }

  private async tick(): Promise<void> {
    const slot = Math.floor(this.clock.now().getTime() / this.config.JOB_SWEEP_MS);
    const options = { removeOnComplete: { age: 60 }, removeOnFail: { age: 3600 }, attempts: 1 };
    const ids = await this.rollouts.activeIds();
    await this.queue.addBulk([
      { name: 'sweep', data: {}, opts: { ...options, jobId: `sweep-${slot}` } },
      ...ids.map((rolloutId) => ({ name: 'advance-rollout' as const, data: { rolloutId }, opts: { ...options, jobId: `advance-${rolloutId}-${slot}` } })),
    ]);
  }
}
