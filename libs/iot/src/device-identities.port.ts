/** A 5-minute claim certificate with its key: what goes into a provisioning bundle. */
export interface ProvisioningClaim {
  certificateId: string;
  certificatePem: string;
  /** Handed to the caller once and never stored. */
  privateKeyPem: string;
  rootCaPem: string;
  expiresAt: Date;
  endpoint: { host: string; port: number };
  templateName: string;
}

/**
 * The IoT port: device identities, claims and connections, over either our own
 * CA and gateway (`local`) or AWS IoT Core (`aws`). Thing name = DeviceId.
 */
export abstract class DeviceIdentities {
  abstract createThing(thingName: string, organizationId: string): Promise<void>;
  abstract createProvisioningClaim(thingName: string, organizationId: string): Promise<ProvisioningClaim>;
  /** Revokes every certificate of the thing, drops its live connections and deletes the thing. Idempotent. */
  abstract decommissionThing(thingName: string): Promise<void>;
}

/** Redis channel on which gateways hear which certificates to disconnect. */
export const disconnectChannel = (redisPrefix: string) => `${redisPrefix}:gateway:disconnect`;

/** Sessions to end: those of these certificates, and every session of an organization when it is set. */
export interface DisconnectOrder {
  certificateIds: string[];
  organizationId?: string;
  reason: string;
}
