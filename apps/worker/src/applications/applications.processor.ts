import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DeploymentService, GroupDeployments } from '@edgefleet/applications';
import { CONFIG, type Config } from '@edgefleet/config';
import { PrismaService } from '@edgefleet/db';
import { Clock, Scheduler } from '@edgefleet/runtime';
import { OutboxProcessor, type QueueJob } from '../outbox/outbox.processor';

/** Deployments: desired `applications` state written from the rows, reports followed back, step deadlines. */
@Processor('applications', { concurrency: 8 })
export class ApplicationsProcessor extends OutboxProcessor<'applications'> {
  constructor(
    prisma: PrismaService,
    private readonly deployments: DeploymentService,
    private readonly groupDeployments: GroupDeployments,
  ) {
    super(prisma);
  }

  protected override fromOutbox(job: QueueJob<'applications'>): boolean {
    return job.name !== 'sweep';
  }

  protected async handle(job: QueueJob<'applications'>): Promise<void> {
    switch (job.name) {
      case 'sync-device':
        return this.deployments.syncDevice(job.data.deviceId);
      case 'project-report':
        return this.deployments.projectReport(job.data.deviceId);
      case 'sweep':
        await this.deployments.sweep();
        return;
      case 'reconcile-deployments':
        return this.groupDeployments.reconcile(job.data.deviceId);
    }
  }
}

/** Every JOB_SWEEP_MS, one sweep of deployment deadlines (the job id names the slot, so several workers queue it once). */
@Injectable()
export class ApplicationsScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue('applications') private readonly queue: Queue,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every('deployment sweeps', this.config.JOB_SWEEP_MS, async () => {
      const slot = Math.floor(this.clock.now().getTime() / this.config.JOB_SWEEP_MS);
      await this.queue.add('sweep', {}, { jobId: `apps-sweep-${slot}`, removeOnComplete: { age: 60 }, removeOnFail: { age: 3600 }, attempts: 1 });
    });
  }
}
