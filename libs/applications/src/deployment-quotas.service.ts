import { Inject, Injectable } from '@nestjs/common';
import { longestSignedUrl } from '@edgefleet/artifacts';
import { CONFIG, type Config } from '@edgefleet/config';
import { applicationsShadowFootprint, applicationsShadowOverhead, deploymentSpecsPath } from '@edgefleet/contracts';
import type { Tx } from '@edgefleet/db';
import { DomainError, type Quotas, type ResolvedGraph, newApplicationInstanceId } from '@edgefleet/domain';
import { OrganizationService } from '@edgefleet/organizations';
import { Clock } from '@edgefleet/runtime';
import { ApplicationInstanceRepository, runningNodes } from './application-instance.repository';

const DAY_MS = 86_400_000;

/** Host ports the device's other instances keep open. */
export function hostPortsOf(instances: { resolvedGraph: unknown }[]): Set<number> {
  return new Set(instances.flatMap((i) => ((i.resolvedGraph as ResolvedGraph | null)?.networkRoutingRules ?? []).map((r) => r.hostPort)));
}

/**
 * Why a device cannot take one more instance (the replaced one aside), by quota: instances on it,
 * deployments in the last 24 hours, and room in its `applications` shadow (SHADOW_MAX_BYTES of
 * desired and reported state, AWS IoT's 8 KB by default), where a replaced instance keeps its
 * place until its replacement runs.
 */
@Injectable()
export class DeploymentQuotas {
  constructor(
    private readonly instances: ApplicationInstanceRepository,
    private readonly organizations: OrganizationService,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** The organization's per-device quotas. */
  limits(organizationId: string): Promise<Quotas> {
    return this.organizations.quotas(organizationId);
  }

  /** In the caller's transaction, with the device locked (`ApplicationInstanceRepository.lockDevice`). */
  async refusal(tx: Tx, wanted: { deviceId: string; replaced: string | null; graph: ResolvedGraph }, quotas: Pick<Quotas, 'applicationsPerDevice' | 'deploymentsPerDevicePerDay'>): Promise<DomainError | undefined> {
    const { deviceId, replaced } = wanted;
    const onDevice = await this.instances.onDevice(deviceId, { tx });
    const running = onDevice.filter((i) => i.applicationInstanceId !== replaced).length;
    if (running >= quotas.applicationsPerDevice) {
      return new DomainError('QUOTA_EXCEEDED', `Device ${deviceId} runs ${running} application instances; the quota applicationsPerDevice allows ${quotas.applicationsPerDevice}. Remove one or replace it.`, {
        quota: 'applicationsPerDevice',
        limit: quotas.applicationsPerDevice,
      });
    }
    const today = await this.instances.createdSince(tx, deviceId, new Date(this.clock.now().getTime() - DAY_MS));
    if (today >= quotas.deploymentsPerDevicePerDay) {
      return new DomainError('QUOTA_EXCEEDED', `Device ${deviceId} had ${today} deployments in the last 24 hours; the quota deploymentsPerDevicePerDay allows ${quotas.deploymentsPerDevicePerDay}.`, {
        quota: 'deploymentsPerDevicePerDay',
        limit: quotas.deploymentsPerDevicePerDay,
      });
    }
    const limit = this.config.SHADOW_MAX_BYTES;
    const room = limit - applicationsShadowOverhead(longestSignedUrl(this.config, deploymentSpecsPath(deviceId)));
    const taken = onDevice.reduce((n, i) => n + applicationsShadowFootprint(i.applicationInstanceId, i.nodeInstances.map((ni) => ni.nodeInstanceId)), 0);
    const needed = applicationsShadowFootprint(newApplicationInstanceId(), runningNodes(wanted.graph).map((n) => n.name));
    if (taken + needed > room) {
      return new DomainError(
        'QUOTA_EXCEEDED',
        `Device ${deviceId}'s applications shadow holds ${limit} bytes of desired and reported state (SHADOW_MAX_BYTES; AWS IoT's limit is 8 KB): its ${onDevice.length} application instances can take up to ${taken} bytes and this one, with ${runningNodes(wanted.graph).length} nodes, up to ${needed}, more than the ${room} there is room for. Remove an instance first.`,
        { quota: 'SHADOW_MAX_BYTES', limit },
      );
    }
    return undefined;
  }
}
