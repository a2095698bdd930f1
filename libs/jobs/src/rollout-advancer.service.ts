import { Injectable, Optional } from '@nestjs/common';
import { MAX_DEVICES_PER_JOB_REQUEST, nextRolloutStep } from '@edgefleet/domain';
import { Clock } from '@edgefleet/runtime';
import { JobManagementService } from './job-management.service';
import { JobEventsPublisher } from './job-events.publisher';
import { isWindowOpen } from './maintenance-window';
import { RolloutDeployments } from './rollout-deployments.port';
import { RolloutRepository } from './rollout.repository';

const ACTOR = 'system:worker';

/** The worker's side of rollouts: one step at a time (nextRolloutStep), under a row lock. */
@Injectable()
export class RolloutAdvancer {
  constructor(
    private readonly rollouts: RolloutRepository,
    private readonly jobs: JobManagementService,
    private readonly events: JobEventsPublisher,
    private readonly clock: Clock,
    @Optional() private readonly deployments?: RolloutDeployments,
  ) {}

  /** Start, abort, complete, or create the next jobs. Returns whether the rollout is still running. */
  async advance(rolloutId: string, now = this.clock.now()): Promise<boolean> {
    const running = await this.rollouts.transaction(async (tx) => {
      const row = await this.rollouts.lockForAdvance(tx, rolloutId);
      if (!row) return true; // another worker holds it right now
      const open = isWindowOpen(row.maintenanceWindow, now);
      const tally = await this.rollouts.counts(tx, rolloutId, now);
      const first = nextRolloutStep(row, tally, open, false, MAX_DEVICES_PER_JOB_REQUEST);
      let step = first.step;
      if (first.start) await this.rollouts.move(tx, rolloutId, 'START', ACTOR, null, 'PENDING');
      if (step.kind === 'create') {
        const next = await this.rollouts.nextDevices(tx, row, step.limit);
        if (next.length > 0) {
          const { imageVersion, allowMajorVersionUpdate, deployment } = row.deviceJobConfig;
          const deviceIds = next.map((d) => d.deviceId);
          if (row.jobType === 'DEPLOY_APPLICATION') {
            if (!this.deployments) throw new Error('A deployment rollout needs the applications feature in the worker.');
            await this.deployments.create(tx, row.organizationId, rolloutId, deviceIds, deployment!, ACTOR);
          } else {
            await this.jobs.createJobs(tx, row.organizationId, deviceIds, { jobType: row.jobType, imageVersion, allowMajorVersionUpdate }, {
              rolloutId,
              maxAttempts: row.retries + 1,
              timeouts: row.timeouts,
              actor: ACTOR,
              strict: false,
            });
          }
          if (step.wave !== row.currentWave) await this.rollouts.setWave(tx, rolloutId, step.wave);
          return true;
        }
        step = nextRolloutStep({ ...row, status: 'IN_PROGRESS' }, tally, open, true).step;
      }
      if (step.kind === 'abort') {
        await this.rollouts.move(tx, rolloutId, 'ABORT', ACTOR, step.reason, 'IN_PROGRESS');
        await this.rollouts.cancelQueued(tx, rolloutId, ACTOR, `The rollout was aborted: ${step.reason}`);
        await this.deployments?.cancelPending(tx, rolloutId, ACTOR, `The rollout was aborted: ${step.reason}`);
        return false;
      }
      if (step.kind === 'complete') {
        await this.rollouts.move(tx, rolloutId, 'COMPLETE', ACTOR, null, 'IN_PROGRESS');
        return false;
      }
      return step.kind !== 'idle';
    });
    await this.events.updated({ rolloutIds: [rolloutId] });
    return running;
  }

  /** Rollouts the worker should advance. */
  activeIds(): Promise<string[]> {
    return this.rollouts.activeIds();
  }
}
