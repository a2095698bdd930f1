import { Injectable, Optional } from '@nestjs/common';
import { z } from 'zod';
import { Prisma, type Tx } from '@edgefleet/db';
import { type DeviceTarget, DeviceRepository } from '@edgefleet/devices';
import {
  DomainError,
  type RolloutEvent,
  MAX_DEVICES_PER_JOB_REQUEST,
  abortConfigSchema,
  assertResourceName,
  jobTimeoutsSchema,
  maintenanceWindowSchema,
  notFound,
  rolloutMachine,
  validationFailed,
  wavesSchema,
} from '@edgefleet/domain';
import { AuditService, type Principal, actorOf } from '@edgefleet/organizations';
import { JobEventsPublisher } from './job-events.publisher';
import { assertCron } from './maintenance-window';
import { RolloutDeployments } from './rollout-deployments.port';
import { RolloutRepository, type RolloutRow } from './rollout.repository';

const targetSchema = z
  .object({
    deviceIds: z.array(z.string()).min(1).max(MAX_DEVICES_PER_JOB_REQUEST).nullish(),
    tags: z.array(z.object({ key: z.string().min(1), value: z.string().nullish() })).min(1).max(50).nullish(),
    filter: z.record(z.string(), z.unknown()).nullish(),
    thingGroupName: z.string().min(1).max(128).nullish(),
    /** A group deployment's revision (internal: not in the API's input). */
    deploymentId: z.uuid().nullish(),
  })
  .refine((t) => [t.deviceIds, t.tags, t.filter, t.thingGroupName, t.deploymentId].filter(Boolean).length === 1, { message: 'give exactly one of deviceIds, tags, filter or thingGroupName' });

const rolloutSchema = z.object({
  name: z.string(),
  jobType: z.enum(['OTA', 'REBOOT', 'DEPLOY_APPLICATION']),
  imageVersion: z.string().nullish(),
  deployment: z
    .object({
      manifestPayload: z.string(),
      manifestOverridesPayload: z.string().nullable(),
      applicationInstanceName: z.string().nullable(),
      replaceApplicationInstanceName: z.string().nullable(),
      deploymentId: z.uuid().nullish(),
      revision: z.number().int().min(1).nullish(),
      softwareVersion: z.string().nullish(),
    })
    .nullish(),
  allowMajorVersionUpdate: z.boolean().nullish(),
  target: targetSchema,
  waves: wavesSchema,
  abortConfig: abortConfigSchema.nullish(),
  timeouts: jobTimeoutsSchema.nullish(),
  retries: z.number().int().min(0).max(10).default(0),
  maintenanceWindow: maintenanceWindowSchema.nullish(),
});
export type RolloutInput = z.input<typeof rolloutSchema>;
type Rollout = z.output<typeof rolloutSchema>;

export interface RolloutProgress {
  targeted: number;
  queued: number;
  inProgress: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  canceled: number;
  rejected: number;
  offline: number;
  /** When the queued jobs of offline devices stop waiting for them (they time out). */
  offlineUntil: Date | null;
}

export type RolloutView = Pick<RolloutRow, 'id' | 'name' | 'jobType' | 'status' | 'statusReason' | 'currentWave' | 'createdAt' | 'startedAt' | 'completedAt'> & {
  imageVersion: string | null;
  progress: () => Promise<RolloutProgress>;
};

export interface DryRun {
  devices: { deviceId: string; name: string; online: boolean }[];
  targeted: number;
  offline: number;
}

/**
 * The operators' side of rollouts: device jobs created wave by wave (initialSize ×
 * growthFactor^n, at most maxPerMinute), inside the maintenance window, aborting when too
 * many fail. The api records them here; the worker advances them (RolloutAdvancer).
 */
@Injectable()
export class RolloutService {
  constructor(
    private readonly rollouts: RolloutRepository,
    private readonly devices: DeviceRepository,
    private readonly audit: AuditService,
    private readonly events: JobEventsPublisher,
    // Provided where the applications feature runs (api, worker).
    @Optional() private readonly deployments?: RolloutDeployments,
  ) {}

  async create(principal: Principal, input: RolloutInput): Promise<RolloutView> {
    const r = this.validate(input);
    const row = await this.rollouts.transaction(async (tx) => {
      const rollout = await this.insert(tx, principal.organizationId, r, actorOf(principal));
      await this.audit.record(tx, principal, { action: 'rollout.create', targetType: 'Rollout', targetId: rollout.id, details: { name: r.name, jobType: r.jobType } });
      return rollout;
    });
    return this.view(row);
  }

  /** A rollout recorded in the caller's transaction (a group deployment's revision). */
  createIn(tx: Tx, organizationId: string, input: RolloutInput, actor: string): Promise<RolloutRow> {
    return this.insert(tx, organizationId, this.validate(input), actor);
  }

  /** Cancels a running rollout in the caller's transaction (a group deployment revised or canceled); an ended one stays as it is. */
  async cancelIn(tx: Tx, id: string, actor: string, reason: string): Promise<void> {
    if (!(await this.rollouts.move(tx, id, 'CANCEL', actor, reason))) return;
    await this.rollouts.cancelQueued(tx, id, actor, reason);
    await this.deployments?.cancelPending(tx, id, actor, reason);
  }

  private async insert(tx: Tx, organizationId: string, r: Rollout, actor: string): Promise<RolloutRow> {
    await this.assertImage(tx, organizationId, r);
    const target = await this.resolveTarget(tx, organizationId, r.target);
    try {
      return await this.rollouts.insert(
        tx,
        {
          organizationId,
          name: r.name,
          jobType: r.jobType,
          deviceJobConfig: { imageVersion: r.imageVersion ?? null, allowMajorVersionUpdate: r.allowMajorVersionUpdate ?? false, deployment: r.deployment ?? null },
          target,
          waves: r.waves,
          abortConfig: r.abortConfig ?? null,
          timeouts: r.timeouts ?? null,
          retries: r.retries,
          maintenanceWindow: r.maintenanceWindow ?? null,
        },
        actor,
      );
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new DomainError('ALREADY_EXISTS', `A rollout named ${r.name} already exists.`);
      throw err;
    }
  }

  /** A thing group target is kept as the group's id: a group deleted and made again under its name is another group. */
  private async resolveTarget(tx: Tx | undefined, organizationId: string, target: Rollout['target']): Promise<DeviceTarget> {
    if (!target.thingGroupName) return target;
    const groupId = await this.rollouts.groupId(organizationId, target.thingGroupName, tx);
    if (!groupId) throw notFound('Thing group', target.thingGroupName);
    return { groupId };
  }

  /** Exactly the devices the rollout would create jobs for, without doing anything. */
  async dryRun(principal: Principal, input: RolloutInput): Promise<DryRun> {
    const r = this.validate(input);
    await this.assertImage(undefined, principal.organizationId, r);
    const target = await this.resolveTarget(undefined, principal.organizationId, r.target);
    const devices = await this.devices.targets(undefined, principal.organizationId, target, { limit: MAX_DEVICES_PER_JOB_REQUEST * 10 });
    return { devices, targeted: devices.length, offline: devices.filter((d) => !d.online).length };
  }

  async get(principal: Principal, id: string): Promise<RolloutView> {
    const row = z.uuid().safeParse(id).success ? await this.rollouts.find(principal.organizationId, id) : undefined;
    if (!row) throw notFound('Rollout', id);
    return this.view(row);
  }

  async list(principal: Principal): Promise<RolloutView[]> {
    return (await this.rollouts.list(principal.organizationId, 100)).map((r) => this.view(r));
  }

  pause(principal: Principal, id: string) {
    return this.operate(principal, id, 'PAUSE', 'Paused by an operator');
  }

  resume(principal: Principal, id: string) {
    return this.operate(principal, id, 'RESUME', null);
  }

  /** Cancels the rollout and its jobs that have not started; started ones run to their end. */
  cancel(principal: Principal, id: string) {
    return this.operate(principal, id, 'CANCEL', 'Canceled by an operator');
  }

  private async operate(principal: Principal, id: string, event: RolloutEvent, reason: string | null): Promise<RolloutView> {
    await this.get(principal, id); // NOT_FOUND for someone else's rollout
    await this.rollouts.transaction(async (tx) => {
      // The move locks the row: a worker advancing the rollout finishes its step first.
      if (!(await this.rollouts.move(tx, id, event, actorOf(principal), reason))) {
        rolloutMachine.transition(await this.rollouts.status(tx, id), event); // a refusal says why
        throw new DomainError('CHANGED_MEANWHILE', `Rollout ${id} changed meanwhile; try again.`);
      }
      if (event === 'CANCEL') {
        await this.rollouts.cancelQueued(tx, id, actorOf(principal), 'The rollout was canceled');
        await this.deployments?.cancelPending(tx, id, actorOf(principal), 'The rollout was canceled');
      }
      await this.audit.record(tx, principal, { action: `rollout.${event.toLowerCase()}`, targetType: 'Rollout', targetId: id });
    });
    await this.events.updated({ rolloutIds: [id] });
    return this.get(principal, id);
  }

  async progress(rolloutId: string): Promise<RolloutProgress> {
    const row = await this.rollouts.byId(rolloutId);
    const t = await this.rollouts.counts(undefined, rolloutId);
    const done = ['COMPLETED', 'ABORTED', 'CANCELED'].includes(row.status);
    const remaining = done ? 0 : await this.devices.countTargets(row.organizationId, row.target, rolloutId);
    return {
      targeted: t.total + remaining,
      queued: t.queued,
      inProgress: t.inProgress,
      succeeded: t.succeeded,
      failed: t.failed,
      timedOut: t.timedOut,
      canceled: t.canceled,
      rejected: t.rejected,
      offline: t.offline,
      offlineUntil: t.offlineUntil,
    };
  }

  private validate(input: RolloutInput): Rollout {
    const parsed = rolloutSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw validationFailed(issue.path.join('.') || 'input', issue.message);
    }
    const r = parsed.data;
    assertResourceName('name', r.name);
    if (r.jobType === 'OTA' && !r.imageVersion) throw validationFailed('deviceJobConfig.otaJobConfig.imageVersion', 'is required for an OTA rollout.');
    if (r.jobType !== 'OTA' && r.imageVersion) throw validationFailed('deviceJobConfig', `a ${r.jobType} rollout takes no otaJobConfig.`);
    if ((r.jobType === 'DEPLOY_APPLICATION') !== !!r.deployment) {
      throw validationFailed('deviceJobConfig.deployApplicationConfig', r.deployment ? `only DEPLOY_APPLICATION rollouts take one.` : 'is required for a DEPLOY_APPLICATION rollout.');
    }
    if (r.jobType === 'DEPLOY_APPLICATION' && r.retries > 0) throw validationFailed('retries', 'a deployment is not retried; deploy again instead.');
    if (r.maintenanceWindow?.cron) {
      try {
        assertCron(r.maintenanceWindow.cron, r.maintenanceWindow.timezone);
      } catch (err) {
        throw validationFailed('maintenanceWindow.cron', (err as Error).message);
      }
    }
    return r;
  }

  private async assertImage(tx: Tx | undefined, organizationId: string, r: Rollout): Promise<void> {
    if (r.jobType === 'DEPLOY_APPLICATION') {
      // A group deployment's revision may name the software its devices update to first.
      if (r.deployment?.softwareVersion) await this.assertUploaded(tx, organizationId, r.deployment.softwareVersion);
      if (r.deployment?.deploymentId) return; // the group deployment checked its manifest
      if (!this.deployments) throw new DomainError('INVALID_ARGUMENT', 'Deployment rollouts are not available in this process.');
      return this.deployments.check(organizationId, r.deployment!);
    }
    if (r.jobType === 'OTA') await this.assertUploaded(tx, organizationId, r.imageVersion!);
  }

  private async assertUploaded(tx: Tx | undefined, organizationId: string, version: string): Promise<void> {
    const image = await this.rollouts.image(organizationId, version, tx);
    if (!image) throw new DomainError('SOFTWARE_IMAGE_NOT_FOUND', `Software image ${version} was not found; register and upload it first.`);
    if (!image.uploadedAt) throw new DomainError('IMAGE_NOT_UPLOADED', `Software image ${version} has no uploaded file yet.`);
  }

  private view(row: RolloutRow): RolloutView {
    const { id, name, jobType, status, statusReason, currentWave, createdAt, startedAt, completedAt } = row;
    return { id, name, jobType, status, statusReason, currentWave, createdAt, startedAt, completedAt, imageVersion: row.deviceJobConfig?.imageVersion ?? null, progress: () => this.progress(id) };
  }
}
