import type { Tx } from '@edgefleet/db';

/** A deployment rollout's job: the manifest and overrides (JSON text) each device gets, and which of its instances it replaces. */
export interface DeploymentConfig {
  manifestPayload: string;
  manifestOverridesPayload: string | null;
  /** The name the new instances get. */
  applicationInstanceName: string | null;
  /** On each device, the instance of this name (if any) is replaced. */
  replaceApplicationInstanceName: string | null;
  /** A group deployment's revision: on each device it replaces the deployment's instance (or a lower-priority deployment's of its name). */
  deploymentId?: string | null;
  revision?: number | null;
  /** The software version each device updates to (an OTA job) before the application is deployed; devices on it or newer deploy at once. */
  softwareVersion?: string | null;
}

/**
 * The port through which rollouts of DEPLOY_APPLICATION make application instances (the
 * applications feature implements it; rollouts only decide who, when and whether to stop).
 */
export abstract class RolloutDeployments {
  /** Refuses a deployment that could not run anywhere (its manifest does not check). */
  abstract check(organizationId: string, config: DeploymentConfig): Promise<void>;
  /**
   * One application instance per device, in the caller's transaction; a device that cannot take it
   * gets a failed one saying why. Devices the rollout reached already are skipped. Without a
   * rollout: a group deployment's instance made outside one (a rollback).
   */
  abstract create(tx: Tx, organizationId: string, rolloutId: string | null, deviceIds: string[], config: DeploymentConfig, actor: string): Promise<void>;
  /** The rollout's deployments not started on their device yet are withdrawn. */
  abstract cancelPending(tx: Tx, rolloutId: string, actor: string, reason: string): Promise<void>;
}
