import { Injectable, Logger } from '@nestjs/common';
import { Prisma, type Tx } from '@edgefleet/db';
import {
  DomainError,
  type Waves,
  assertPageSize,
  assertResourceName,
  notFound,
  pageOf,
  validationFailed,
} from '@edgefleet/domain';
import { GroupRepository } from '@edgefleet/groups';
import { type DeploymentConfig, RolloutDeployments, type RolloutInput, RolloutService } from '@edgefleet/jobs';
import { AuditService, type Principal, actorOf } from '@edgefleet/organizations';
import { ApplicationInstanceRepository } from './application-instance.repository';
import { type DeploymentRow, type DeviceDeploymentRow, GroupDeploymentRepository, type RevisionRow, type WinningDeployment } from './group-deployment.repository';

const ACTOR = 'system:worker';
const DEFAULT_WAVES: Waves = { initialSize: 100, growthFactor: 2 };

/** How each new revision reaches the group's members: waves, rate, abort threshold, window (as a rollout's). */
export interface RevisionRolloutInput {
  waves?: RolloutInput['waves'] | null;
  abortConfig?: RolloutInput['abortConfig'];
  maintenanceWindow?: RolloutInput['maintenanceWindow'];
}

export interface RevisionInput {
  manifestPayload: { payloadData: string };
  manifestOverridesPayload?: { payloadData: string } | null;
  /** The software version devices update to (an OTA job) before they run this revision; devices on it or newer deploy at once. */
  softwareVersion?: string | null;
  rollout?: RevisionRolloutInput | null;
}

export interface DeploymentInput extends RevisionInput {
  deploymentName: string;
  thingGroupName: string;
  /** The application instance's name on each device (the deployment's name by default); deployments naming the same one conflict. */
  applicationInstanceName?: string | null;
  /** On a conflict the higher priority applies (0 to 1000; 0 by default). */
  priority?: number | null;
  failureHandling?: 'ROLLBACK' | 'DO_NOTHING' | null;
  /** With ROLLBACK: how long after a revision runs an ERROR health rolls it back (10 s to 1 day; 60 s by default). */
  healthCheckSeconds?: number | null;
}

export type DeviceDeploymentState = 'PENDING' | 'DEPLOYING' | 'RUNNING' | 'UNHEALTHY' | 'OUTDATED' | 'ROLLED_BACK' | 'FAILED' | 'SUPERSEDED' | 'REMOVING' | 'REMOVED';

export interface DeviceDeploymentView {
  deviceId: string;
  deviceName: string;
  state: DeviceDeploymentState;
  /** The revision running on the device, if any. */
  revision: number | null;
  applicationInstanceId: string | null;
  /** The newest attempt's status description (why it failed or was rolled back). */
  statusDescription: string | null;
}

export type DeploymentView = DeploymentRow & { revisions: () => Promise<RevisionRow[]> };

const DEPLOYING = new Set(['DEPLOYMENT_PENDING', 'DEPLOYMENT_REQUESTED', 'DEPLOYMENT_IN_PROGRESS']);

/** What a member device's row says about the deployment there. */
export function deviceDeploymentState(d: Pick<DeploymentRow, 'status' | 'currentRevision'>, r: DeviceDeploymentRow): DeviceDeploymentState {
  if (d.status === 'CANCELED' || !r.wins) return r.runningId ? 'REMOVING' : d.status === 'CANCELED' ? 'REMOVED' : 'SUPERSEDED';
  if (r.latestRevision === d.currentRevision && DEPLOYING.has(r.latestStatus!)) return 'DEPLOYING';
  if (r.runningId && r.runningRevision === d.currentRevision) return r.runningHealth === 'ERROR' ? 'UNHEALTHY' : 'RUNNING';
  if (r.runningId) return r.latestRevision! > r.runningRevision! && (r.latestRollbackReason !== null || r.latestStatus === 'DEPLOYMENT_FAILED') ? 'ROLLED_BACK' : 'OUTDATED';
  return r.latestStatus === 'DEPLOYMENT_FAILED' ? 'FAILED' : 'PENDING';
}

/**
 * Continuous deployments to thing groups (Greengrass's deployments to a thing group, IoT Edge's
 * layered deployments): a group's desired application, kept as numbered revisions. Each revision
 * reaches the members through a rollout (waves, rate, abort threshold, window); a device that
 * joins the group gets the current revision at once, one that leaves has it removed, one offline
 * gets it on return (its desired state waits in its shadow). Deployments naming the same
 * application instance conflict on a device in both groups: the higher priority applies. With
 * ROLLBACK, a revision whose health turns ERROR within healthCheckSeconds of running is replaced
 * by the device's last revision that ran; a revision that fails to start never replaces the one
 * running (the agent keeps it, with either failure handling).
 */
@Injectable()
export class GroupDeployments {
  private readonly logger = new Logger(GroupDeployments.name);

  constructor(
    private readonly deployments: GroupDeploymentRepository,
    private readonly groups: GroupRepository,
    private readonly instances: ApplicationInstanceRepository,
    private readonly rollouts: RolloutService,
    private readonly rolloutDeployments: RolloutDeployments,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, input: DeploymentInput): Promise<DeploymentView> {
    assertResourceName('deploymentName', input.deploymentName);
    // Its revisions' rollouts are named deployment-<name>-r<revision>.
    if (input.deploymentName.length > 200) throw validationFailed('deploymentName', 'must be at most 200 characters.');
    const instanceName = input.applicationInstanceName ?? input.deploymentName;
    assertResourceName('applicationInstanceName', instanceName);
    const priority = input.priority ?? 0;
    if (!Number.isInteger(priority) || priority < 0 || priority > 1000) throw validationFailed('priority', 'must be an integer from 0 to 1000.');
    const healthCheckSeconds = input.healthCheckSeconds ?? 60;
    if (!Number.isInteger(healthCheckSeconds) || healthCheckSeconds < 10 || healthCheckSeconds > 86_400) throw validationFailed('healthCheckSeconds', 'must be an integer from 10 to 86400.');
    const config = this.configOf(input, instanceName);
    await this.rolloutDeployments.check(principal.organizationId, config);
    try {
      await this.deployments.transaction(async (tx) => {
        const group = await this.groups.find(principal.organizationId, input.thingGroupName, tx);
        if (!group) throw notFound('Thing group', input.thingGroupName);
        const id = await this.deployments.insert(tx, {
          organizationId: principal.organizationId,
          name: input.deploymentName,
          groupId: group.id,
          applicationInstanceName: instanceName,
          priority,
          failureHandling: input.failureHandling ?? 'ROLLBACK',
          healthCheckSeconds,
        });
        await this.addRevision(tx, principal, { id, name: input.deploymentName, applicationInstanceName: instanceName }, 1, input, input.rollout ?? {});
        await this.audit.record(tx, principal, { action: 'deployment.create', targetType: 'Deployment', targetId: input.deploymentName, details: { thingGroupName: input.thingGroupName, priority } });
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new DomainError('ALREADY_EXISTS', `Deployment ${input.deploymentName} already exists.`, { id: input.deploymentName });
      throw err;
    }
    return this.get(principal, input.deploymentName);
  }

  /** A new revision: its rollout takes it to the members (the previous revision's rollout, if still running, is canceled). */
  async revise(principal: Principal, name: string, input: RevisionInput): Promise<DeploymentView> {
    const current = await this.row(principal, name);
    const config = this.configOf(input, current.applicationInstanceName);
    await this.rolloutDeployments.check(principal.organizationId, config);
    await this.deployments.transaction(async (tx) => {
      const d = await this.deployments.lock(tx, principal.organizationId, name);
      if (!d) throw notFound('Deployment', name);
      if (d.status === 'CANCELED') throw new DomainError('INVALID_STATE_TRANSITION', `Deployment ${name} is canceled; create a new one.`);
      const previous = (await this.deployments.revision(tx, d.id, d.currentRevision))!;
      await this.rollouts.cancelIn(tx, previous.rolloutId, actorOf(principal), `Revision ${d.currentRevision + 1} replaces it`);
      const rollout = input.rollout ?? (await this.deployments.rolloutConfigOf(tx, previous.rolloutId));
      await this.addRevision(tx, principal, d, d.currentRevision + 1, input, rollout);
      await this.audit.record(tx, principal, { action: 'deployment.revise', targetType: 'Deployment', targetId: name, details: { revision: d.currentRevision + 1 } });
    });
    return this.get(principal, name);
  }

  /** Cancels the deployment: its rollout stops and its application is removed from every device. */
  async cancel(principal: Principal, name: string): Promise<DeploymentView> {
    await this.deployments.transaction(async (tx) => {
      const d = await this.deployments.lock(tx, principal.organizationId, name);
      if (!d) throw notFound('Deployment', name);
      if (d.status === 'CANCELED') return;
      await this.deployments.cancel(tx, d.id);
      const revision = (await this.deployments.revision(tx, d.id, d.currentRevision))!;
      await this.rollouts.cancelIn(tx, revision.rolloutId, actorOf(principal), 'The deployment was canceled');
      await this.groups.reconcileDeploymentsLater(tx, await this.deployments.devicesWithInstances(tx, d.id));
      await this.audit.record(tx, principal, { action: 'deployment.cancel', targetType: 'Deployment', targetId: name });
    });
    return this.get(principal, name);
  }

  async get(principal: Principal, name: string): Promise<DeploymentView> {
    return this.view(await this.row(principal, name));
  }

  async list(principal: Principal, args: { first: number; after?: string | null; thingGroupName?: string | null }) {
    assertPageSize(args.first);
    const rows = await this.deployments.page(principal.organizationId, args);
    return pageOf(
      rows.map((r) => this.view(r)),
      args.first,
      (d) => [d.name],
    );
  }

  /** The name of the organization's deployment of this id, if any. */
  async nameOf(principal: Principal, id: string): Promise<string | null> {
    return (await this.deployments.nameOf(principal.organizationId, id)) ?? null;
  }

  /** The deployment on each member device of its group. */
  async devices(principal: Principal, name: string, args: { first: number; after?: string | null }) {
    assertPageSize(args.first);
    const d = await this.row(principal, name);
    const rows = await this.deployments.devices(d, args);
    return pageOf<DeviceDeploymentView>(
      rows.map((r) => ({
        deviceId: r.deviceId,
        deviceName: r.deviceName,
        state: deviceDeploymentState(d, r),
        revision: r.runningRevision,
        applicationInstanceId: r.runningId ?? r.latestId,
        statusDescription: r.latestRollbackReason ?? r.latestDescription,
      })),
      args.first,
      (v) => [v.deviceId],
    );
  }

  /**
   * Brings the device's group deployments up to date (the worker, when it joined or left a group,
   * a deployment was canceled, or an instance's health turned ERROR): each deployment that applies
   * has an instance on it (its current revision, made at once), a ROLLBACK deployment's unhealthy
   * new revision is replaced by the last one that ran, and instances of deployments that no longer
   * apply are removed (unless an applying one's new instance replaces them).
   */
  async reconcile(deviceId: string): Promise<void> {
    await this.deployments.transaction(async (tx) => {
      await this.instances.lockDevice(tx, deviceId);
      const winners = await this.deployments.winners(tx, deviceId);
      const live = (await this.instances.onDevice(deviceId, { tx })).filter((i) => i.deploymentId !== null);
      for (const w of winners) {
        const mine = live.findLast((i) => i.deploymentId === w.id);
        if (!mine) {
          await this.rolloutDeployments.create(tx, w.organizationId, w.rolloutId, [deviceId], this.revisionConfig(w, w.currentRevision, w), ACTOR);
        } else if (await this.shouldRollBack(tx, w, mine)) {
          const good = await this.deployments.lastGoodRevision(tx, w.id, deviceId, mine.deploymentRevision!);
          if (good === undefined) continue; // nothing ran before it here: it stays as it is
          const revision = (await this.deployments.revision(tx, w.id, good))!;
          await this.deployments.markRolledBack(tx, mine.applicationInstanceId, `Rolled back to revision ${good}: its health was ERROR within ${w.healthCheckSeconds} s of running.`);
          await this.rolloutDeployments.create(tx, w.organizationId, null, [deviceId], this.revisionConfig(w, good, revision), ACTOR);
          this.logger.warn({ deviceId, deploymentId: w.id, from: mine.deploymentRevision, to: good }, 'group deployment rolled back');
        }
      }
      const applying = new Set(winners.map((w) => w.id));
      const now = await this.instances.onDevice(deviceId, { tx });
      const replaced = new Set(now.map((i) => i.applicationInstanceIdToReplace));
      const stale = live.filter((i) => !applying.has(i.deploymentId!) && !replaced.has(i.applicationInstanceId));
      if (stale.length === 0) return;
      const pending = stale.filter((i) => i.status === 'DEPLOYMENT_PENDING').map((i) => i.applicationInstanceId);
      const started = stale.filter((i) => i.status !== 'DEPLOYMENT_PENDING').map((i) => i.applicationInstanceId);
      const reason = 'The device left the deployment (its group, a higher-priority deployment, or the deployment was canceled).';
      if (pending.length) await this.instances.withdraw(tx, { applicationInstanceIds: pending }, ACTOR, reason);
      if (started.length) await this.instances.move(tx, { event: 'REMOVE', select: { applicationInstanceIds: started }, actor: ACTOR, description: reason });
      await this.instances.syncLater(tx, deviceId);
    });
  }

  /** ROLLBACK, health ERROR, running, not rolled back yet, and within healthCheckSeconds of reaching DEPLOYMENT_SUCCEEDED. */
  private async shouldRollBack(tx: Tx, w: WinningDeployment, i: { applicationInstanceId: string; status: string; healthStatus: string; rollbackReason: string | null }): Promise<boolean> {
    if (w.failureHandling !== 'ROLLBACK' || i.healthStatus !== 'ERROR' || i.rollbackReason !== null || (i.status !== 'DEPLOYMENT_SUCCEEDED' && i.status !== 'DEPLOYMENT_ERROR')) return false;
    return this.deployments.succeededWithin(tx, i.applicationInstanceId, w.healthCheckSeconds);
  }

  private async addRevision(tx: Tx, principal: Principal, d: Pick<DeploymentRow, 'id' | 'name' | 'applicationInstanceName'>, revision: number, input: RevisionInput, rollout: RevisionRolloutInput): Promise<void> {
    const deployment = { ...this.configOf(input, d.applicationInstanceName), deploymentId: d.id, revision };
    const row = await this.rollouts.createIn(
      tx,
      principal.organizationId,
      {
        name: `deployment-${d.name}-r${revision}`,
        jobType: 'DEPLOY_APPLICATION',
        deployment,
        target: { deploymentId: d.id },
        waves: rollout.waves ?? DEFAULT_WAVES,
        abortConfig: rollout.abortConfig ?? null,
        maintenanceWindow: rollout.maintenanceWindow ?? null,
      },
      actorOf(principal),
    );
    await this.deployments.insertRevision(tx, {
      deploymentId: d.id,
      revision,
      manifestPayload: deployment.manifestPayload,
      manifestOverridesPayload: deployment.manifestOverridesPayload,
      softwareVersion: deployment.softwareVersion ?? null,
      rolloutId: row.id,
      actor: actorOf(principal),
    });
  }

  private configOf(input: RevisionInput, applicationInstanceName: string): DeploymentConfig {
    if (typeof input.manifestPayload?.payloadData !== 'string') throw validationFailed('manifestPayload.payloadData', 'is required.');
    return {
      manifestPayload: input.manifestPayload.payloadData,
      manifestOverridesPayload: input.manifestOverridesPayload?.payloadData ?? null,
      applicationInstanceName,
      replaceApplicationInstanceName: null,
      softwareVersion: input.softwareVersion ?? null,
    };
  }

  private revisionConfig(w: WinningDeployment, revision: number, r: Pick<RevisionRow, 'manifestPayload' | 'manifestOverridesPayload' | 'softwareVersion'>): DeploymentConfig {
    return {
      manifestPayload: r.manifestPayload,
      manifestOverridesPayload: r.manifestOverridesPayload,
      applicationInstanceName: w.applicationInstanceName,
      replaceApplicationInstanceName: null,
      deploymentId: w.id,
      revision,
      softwareVersion: r.softwareVersion,
    };
  }

  private async row(principal: Principal, name: string): Promise<DeploymentRow> {
    const d = typeof name === 'string' && name.length <= 255 ? await this.deployments.find(principal.organizationId, name) : undefined;
    if (!d) throw notFound('Deployment', name);
    return d;
  }

  private view(row: DeploymentRow): DeploymentView {
    return { ...row, revisions: () => this.deployments.revisions(row.id) };
  }
}
