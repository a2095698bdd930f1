import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '@edgefleet/db';
import { DomainError, assertResourceName, behindVersion, newApplicationInstanceId } from '@edgefleet/domain';
import { CONFIG, type Config } from '@edgefleet/config';
import { type DeploymentConfig, JobManagementService, RolloutDeployments } from '@edgefleet/jobs';
import { type ManifestValidation, PackageCatalogue } from '@edgefleet/packages';
import { Clock } from '@edgefleet/runtime';
import { ApplicationInstanceRepository } from './application-instance.repository';
import { DeploymentQuotas, hostPortsOf } from './deployment-quotas.service';

const manifestError = (v: ManifestValidation) =>
  new DomainError('INVALID_PACKAGE_MANIFEST', `The manifest has ${v.problems.length} problem(s): ${v.problems.slice(0, 3).map((p) => `${p.document} ${p.path}: ${p.message}`).join('; ')}`, { problems: v.problems });

/**
 * Deployment rollouts (jobType DEPLOY_APPLICATION): each device of a wave gets an application
 * instance of the rollout's manifest, replacing its instance of the given name; a device over a
 * quota, or whose host ports are taken, gets one that failed saying why (the rollout counts it).
 */
@Injectable()
export class ApplicationRolloutDeployments extends RolloutDeployments {
  constructor(
    private readonly instances: ApplicationInstanceRepository,
    private readonly catalogue: PackageCatalogue,
    private readonly quotas: DeploymentQuotas,
    private readonly jobs: JobManagementService,
    @Inject(CONFIG) private readonly config: Config,
    private readonly clock: Clock,
  ) {
    super();
  }

  async check(organizationId: string, c: DeploymentConfig): Promise<void> {
    if (c.applicationInstanceName) assertResourceName('deployApplicationConfig.applicationInstanceName', c.applicationInstanceName);
    const v = await this.catalogue.validate(organizationId, c.manifestPayload, c.manifestOverridesPayload);
    if (!v.valid) throw manifestError(v);
  }

  async create(tx: Tx, organizationId: string, rolloutId: string | null, deviceIds: string[], c: DeploymentConfig, actor: string): Promise<void> {
    const v = await this.catalogue.validate(organizationId, c.manifestPayload, c.manifestOverridesPayload);
    const limits = await this.quotas.limits(organizationId);
    const ports = v.graph?.networkRoutingRules.map((r) => r.hostPort) ?? [];
    for (const deviceId of deviceIds) {
      await this.instances.lockDevice(tx, deviceId);
      // Made meanwhile (a device that joined a group gets its deployment's current revision at once, outside the rollout's waves).
      if (rolloutId && c.deploymentId && (await this.instances.ofRollout(tx, rolloutId, deviceId))) continue;
      const others = await this.instances.onDevice(deviceId, { tx });
      const replaced = (
        c.deploymentId
          ? (others.find((o) => o.deploymentId === c.deploymentId) ?? others.find((o) => o.deploymentId !== null && o.name === c.applicationInstanceName))
          : c.replaceApplicationInstanceName
            ? others.find((o) => o.name === c.replaceApplicationInstanceName)
            : undefined
      )?.applicationInstanceId ?? null;
      const taken = hostPortsOf(others.filter((o) => o.applicationInstanceId !== replaced));
      const busy = ports.find((p) => taken.has(p));
      const refusal = !v.valid
        ? manifestError(v).message
        : busy !== undefined
          ? `Host port ${busy} is in use by another application on the device.`
          : (await this.quotas.refusal(tx, { deviceId, replaced, graph: v.graph! }, limits))?.message;
      // A revision naming a software version: a device behind it gets an OTA job first, and the instance waits for the version.
      const behind = !refusal && c.softwareVersion && behindVersion(await this.instances.softwareOf(tx, deviceId), c.softwareVersion);
      if (behind) await this.jobs.updateFirst(tx, organizationId, deviceId, c.softwareVersion!, actor);
      await this.instances.insert(tx, {
        applicationInstanceId: newApplicationInstanceId(),
        organizationId,
        name: c.applicationInstanceName,
        description: null,
        defaultRuntimeContextDevice: deviceId,
        manifestPayload: c.manifestPayload,
        manifestOverridesPayload: c.manifestOverridesPayload,
        runtimeRoleArn: null,
        applicationInstanceIdToReplace: replaced,
        graph: v.graph ?? { packages: [], nodes: [], edges: [], networkRoutingRules: [], cameraStreams: 0 },
        tags: {},
        actor,
        rolloutId,
        deploymentId: c.deploymentId ?? null,
        deploymentRevision: c.revision ?? null,
        ...(behind ? { requiredSoftware: c.softwareVersion, waitUntil: new Date(this.clock.now().getTime() + this.otaWaitMs()) } : {}),
        refusal,
      });
    }
  }

  /** How long a deployment waits for its device's update: as long as an OTA job may take, queued, running and rebooting. */
  private otaWaitMs(): number {
    return (this.config.JOB_QUEUED_TIMEOUT_SECONDS + this.config.JOB_IN_PROGRESS_TIMEOUT_SECONDS + this.config.JOB_REBOOTING_TIMEOUT_SECONDS) * 1000;
  }

  async cancelPending(tx: Tx, rolloutId: string, actor: string, reason: string): Promise<void> {
    const withdrawn = await this.instances.withdraw(tx, { rolloutId, statuses: ['DEPLOYMENT_PENDING', 'DEPLOYMENT_REQUESTED'] }, actor, reason);
    for (const deviceId of new Set(withdrawn.map((w) => w.defaultRuntimeContextDevice))) await this.instances.syncLater(tx, deviceId);
  }
}
