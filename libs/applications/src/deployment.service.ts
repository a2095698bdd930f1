import { Injectable, Logger } from '@nestjs/common';
import { APPLICATIONS_SHADOW, type ApplicationsDesired, type ReportedInstance } from '@edgefleet/contracts';
import type { Tx } from '@edgefleet/db';
import { type ApplicationHealthStatus, type ApplicationInstanceEvent, DomainError, behindVersion, IN_DESIRED_STATE_STATUSES, type NodeInstanceStatus, REPORTED_EVENTS, STATUS_DESCRIPTIONS } from '@edgefleet/domain';
import { GroupRepository } from '@edgefleet/groups';
import { ShadowStore } from '@edgefleet/iot';
import { PackageCatalogue } from '@edgefleet/packages';
import { ApplicationEventsPublisher } from './application-events.publisher';
import { followReports } from './applications-report.follower';
import { type ApplicationInstanceRow, ApplicationInstanceRepository } from './application-instance.repository';
import { hostPortsOf } from './deployment-quotas.service';
import { DeploymentSpecs } from './deployment-specs.service';

const ACTOR = 'system:worker';

const NODE_STATUSES = new Set(['RUNNING', 'ERROR', 'NOT_AVAILABLE', 'PAUSED']);
const HEALTH = new Set(['RUNNING', 'ERROR', 'NOT_AVAILABLE']);
/** Writes of a device's desired state that lost to another write before one holds. */
const MAX_WRITE_ATTEMPTS = 20;

/**
 * The worker's half of deployments: the device's desired `applications` state is always
 * written whole from its instance rows (so every change, retry and replay converges): each
 * instance by the revision of its spec, which the device fetches (DeploymentSpecs) through the
 * signed URL of its specs. Its reported state is followed back into the rows, and entries the rows
 * have taken in for good are cleared, so the shadow keeps room for ten instances.
 */
@Injectable()
export class DeploymentService {
  private readonly logger = new Logger(DeploymentService.name);

  constructor(
    private readonly instances: ApplicationInstanceRepository,
    private readonly shadows: ShadowStore,
    private readonly catalogue: PackageCatalogue,
    private readonly specs: DeploymentSpecs,
    private readonly events: ApplicationEventsPublisher,
    private readonly groups: GroupRepository,
  ) {}

  /** Syncs of one device, one after the other in this process (so they do not write over each other for nothing). */
  private readonly syncs = new Map<string, Promise<void>>();

  /**
   * Checks pending deployments again, requests pending removals, and writes the device's desired
   * state. Two syncs that read the rows at different moments must not write them back in the other
   * order (an instance just requested nulled, one just removed written again): each sync of a
   * device waits for the one before it in this process, and across processes the write holds only
   * if the shadow is still at the version read before the rows (AWS IoT's optimistic locking);
   * otherwise it reads again.
   */
  syncDevice(deviceId: string): Promise<void> {
    const run = (this.syncs.get(deviceId) ?? Promise.resolve()).then(() => this.writeDesired(deviceId));
    const tail = run.catch(() => undefined);
    this.syncs.set(deviceId, tail);
    void tail.then(() => this.syncs.get(deviceId) === tail && this.syncs.delete(deviceId));
    return run;
  }

  private async writeDesired(deviceId: string): Promise<void> {
    const pending = await this.instances.onDevice(deviceId, { statuses: ['DEPLOYMENT_PENDING'] });
    // One that needs newer software than the device runs waits (DEPLOYMENT_PENDING) for its OTA.
    const software = pending.some((i) => i.requiredSoftware) ? await this.instances.softwareOf(undefined, deviceId) : null;
    for (const instance of pending) if (!instance.requiredSoftware || !behindVersion(software, instance.requiredSoftware)) await this.request(instance);
    await this.instances.transaction((tx) => this.instances.move(tx, { event: 'REQUEST_REMOVAL', select: { deviceId }, actor: ACTOR }));
    for (let attempt = 1; ; attempt++) {
      // The shadow before the rows: whatever a sync wrote, it wrote from rows this one reads too.
      const current = (await this.shadows.get(deviceId, APPLICATIONS_SHADOW).catch(() => ({}))) as { state?: { desired?: ApplicationsDesired }; version?: number };
      const instances = await this.instances.onDevice(deviceId, { statuses: IN_DESIRED_STATE_STATUSES });
      const wanted: Record<string, string | null> = {};
      for (const i of instances) wanted[i.applicationInstanceId] = (await this.specs.of(i)).revision;
      // Instances the device had that are no longer wanted: null removes them from desired state.
      for (const id of Object.keys(current.state?.desired?.instances ?? {})) if (!(id in wanted)) wanted[id] = null;
      if (Object.keys(wanted).length === 0) return;
      const specs = this.specs.url(deviceId);
      try {
        await this.shadows.update(deviceId, APPLICATIONS_SHADOW, { desired: { specs, instances: wanted } satisfies ApplicationsDesired }, current.version);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        // Written meanwhile (a report, another sync): read again.
        if (err.reason === 'VERSION_CONFLICT' && attempt < MAX_WRITE_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, Math.random() * 50 * attempt));
          continue;
        }
        // Too large for the device's shadow (SHADOW_MAX_BYTES): the deployments not yet on the device fail, saying why; the rest is written again.
        if (err.code !== 'VALIDATION_FAILED') throw err;
        await this.instances.transaction(async (tx) => {
          const failed = await this.instances.move(tx, {
            event: 'FAIL',
            select: { deviceId, status: 'DEPLOYMENT_REQUESTED' },
            actor: ACTOR,
            description: `The device's applications shadow cannot hold this deployment: ${err.message}`,
          });
          if (failed.length) await this.instances.syncLater(tx, deviceId);
        });
        return;
      }
      await this.events.updated(deviceId, instances.map((i) => i.applicationInstanceId));
      return;
    }
  }

  /** A pending deployment, checked against today's catalogue and quotas: requested, or failed with the reason. */
  private async request(instance: ApplicationInstanceRow): Promise<void> {
    const others = await this.instances.onDevice(instance.defaultRuntimeContextDevice, {
      statuses: IN_DESIRED_STATE_STATUSES,
      except: [instance.applicationInstanceId, ...(instance.applicationInstanceIdToReplace ? [instance.applicationInstanceIdToReplace] : [])],
    });
    const overrides = instance.manifestOverridesPayload === null ? null : JSON.stringify(instance.manifestOverridesPayload);
    const validation = await this.catalogue.validate(instance.organizationId, JSON.stringify(instance.manifestPayload), overrides, hostPortsOf(others));
    const select = { applicationInstanceId: instance.applicationInstanceId };
    await this.instances.transaction(async (tx) => {
      if (!validation.valid) {
        const reason = `The manifest no longer checks: ${validation.problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join('; ')}`;
        await this.instances.move(tx, { event: 'FAIL', select, actor: ACTOR, description: reason });
        return;
      }
      // The graph as it resolves now (a newer latest patch, say), with its node instances.
      await this.instances.replaceNodeInstances(tx, instance.applicationInstanceId, validation.graph!);
      await this.instances.move(tx, { event: 'REQUEST', select, actor: ACTOR, description: STATUS_DESCRIPTIONS.validated, resolvedGraph: validation.graph! });
    });
  }

  /** A device reported its `applications` state (AWS IoT's shadow documents event): the worker follows it into the rows. */
  reportArrived(deviceId: string, version: number): Promise<void> {
    return this.instances.transaction((tx) => followReports(tx, [{ deviceId, version }]));
  }

  /**
   * Follows the device's reported `applications` state: instance statuses (through the
   * machine: a report that does not fit the current status changes nothing), health, and node
   * statuses. A replacement that runs removes the instance it replaced; one that failed leaves
   * it running and says so.
   */
  async projectReport(deviceId: string): Promise<void> {
    const shadow = (await this.shadows.get(deviceId, APPLICATIONS_SHADOW).catch(() => undefined)) as { state?: { reported?: { instances?: Record<string, ReportedInstance | null> } } } | undefined;
    const reported = shadow?.state?.reported?.instances ?? {};
    const ids = Object.keys(reported);
    if (ids.length === 0) return;
    // Deployments first: a replacement that runs retires the instance it replaced, whose removal the same report may carry.
    const removal = (id: string) => String(reported[id]?.status ?? '').startsWith('REMOVAL_');
    const instances = (await this.instances.ofDevice(deviceId, ids)).sort((a, b) => Number(removal(a.applicationInstanceId)) - Number(removal(b.applicationInstanceId)));
    let resync = false;
    let reconcile = false;
    const settled: string[] = [];
    await this.instances.transaction(async (tx) => {
      for (const instance of instances) {
        const r = reported[instance.applicationInstanceId];
        if (!r) continue;
        const select = { applicationInstanceId: instance.applicationInstanceId };
        let event: ApplicationInstanceEvent | undefined = r.status ? REPORTED_EVENTS[r.status as string] : undefined;
        const reason = typeof r.reason === 'string' ? r.reason.slice(0, 1000) : null;
        const replaced = instance.applicationInstanceIdToReplace;
        if (event === 'SUCCEED' || event === 'FAIL' || event === 'ERROR') {
          const description = event === 'SUCCEED' ? STATUS_DESCRIPTIONS.deployed : (reason ?? 'The device could not run the application.');
          // A failed replacement is DEPLOYMENT_FAILED: the device went back to the instance it was to replace.
          if (event === 'ERROR' && replaced) event = 'FAIL';
          const moved = await this.instances.move(tx, { event, select, actor: `device:${deviceId}`, description });
          if (moved.length > 0 && replaced) {
            resync = true;
            if (event === 'SUCCEED') await this.retire(tx, replaced, instance.applicationInstanceId);
            else await this.instances.describe(tx, replaced, `Still running: its replacement ${instance.applicationInstanceId} failed: ${description}`);
          }
          if (moved.length > 0 && event !== 'SUCCEED') resync = true; // drop it from the desired state
        } else if (event) {
          await this.instances.move(tx, { event, select, actor: `device:${deviceId}`, description: event === 'REMOVED' ? STATUS_DESCRIPTIONS.removed : reason ?? undefined });
          if (event === 'REMOVED' || event === 'FAIL_REMOVAL') resync = true;
        }
        if (r.healthStatus && HEALTH.has(r.healthStatus)) {
          await this.instances.setHealth(tx, instance.applicationInstanceId, r.healthStatus as ApplicationHealthStatus);
          // A group deployment's instance turned unhealthy: its failure handling may roll it back.
          if (r.healthStatus === 'ERROR' && instance.healthStatus !== 'ERROR' && instance.deploymentId) reconcile = true;
        }
        for (const [nodeInstanceId, n] of Object.entries(r.nodes ?? {})) {
          if (!n?.currentStatus || !NODE_STATUSES.has(n.currentStatus)) continue;
          await this.instances.setNodeStatus(tx, instance.applicationInstanceId, nodeInstanceId, n.currentStatus as NodeInstanceStatus, typeof n.reason === 'string' ? n.reason.slice(0, 1000) : null);
        }
      }
      if (resync) await this.instances.syncLater(tx, deviceId);
      if (reconcile) await this.groups.reconcileDeploymentsLater(tx, [deviceId]);
      // What the rows hold for good (removed, failed, or not this device's) needs no entry any more.
      const needed = await this.instances.unsettled(tx, deviceId, ids);
      settled.push(...ids.filter((id) => !needed.has(id) && reported[id] !== null));
    });
    // Cleared from the reported state (the device, seeing its entry gone, forgets it): the shadow keeps room for ten instances.
    if (settled.length) await this.shadows.update(deviceId, APPLICATIONS_SHADOW, { reported: { instances: Object.fromEntries(settled.map((id) => [id, null])) } });
    await this.events.updated(deviceId, instances.map((i) => i.applicationInstanceId));
  }

  /** The instance a successful replacement replaced: removed (the device stopped it), saying by which. */
  private retire(tx: Tx, applicationInstanceId: string, by: string) {
    return this.instances.withdraw(tx, { applicationInstanceId }, ACTOR, `Replaced by ${by}.`);
  }

  /** Deployment steps past their deadline: failed, and dropped from their device's desired state. */
  async sweep(): Promise<string[]> {
    const moved = await this.instances.transaction(async (tx) => {
      const late = { timedOut: true } as const;
      const a = await this.instances.move(tx, { event: 'FAIL', select: late, actor: ACTOR, description: late });
      const b = await this.instances.move(tx, { event: 'FAIL_REMOVAL', select: late, actor: ACTOR, description: late });
      const devices = [...new Set([...a, ...b].map((m) => m.defaultRuntimeContextDevice))];
      for (const deviceId of devices) await this.instances.syncLater(tx, deviceId);
      return [...a, ...b];
    });
    if (moved.length) this.logger.warn({ instances: moved.map((m) => m.applicationInstanceId) }, 'deployment steps timed out');
    return moved.map((m) => m.applicationInstanceId);
  }
}
