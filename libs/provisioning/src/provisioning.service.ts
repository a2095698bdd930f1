import { Injectable, Logger } from '@nestjs/common';
import { strToU8, zipSync } from 'fflate';
import { BUNDLE_FILES, type BundleConfig, networkingConfiguration } from '@edgefleet/contracts';
import { DeviceRegistration, DeviceService, type NewDevice } from '@edgefleet/devices';
import { validationFailed } from '@edgefleet/domain';
import { DeviceIdentities } from '@edgefleet/iot';
import { OrganizationService, type Principal } from '@edgefleet/organizations';

export interface ProvisionedDevice {
  deviceId: string;
  arn: string;
  status: 'AWAITING_PROVISIONING';
  iotThingName: string;
  /** Base64 of certificates-omni_<name>.zip. Shown once; never stored. */
  certificates: string;
  expiresAt: Date;
}

/** Panorama's ProvisionDevice: registers the device and returns its 5-minute bundle. */
@Injectable()
export class ProvisioningService {
  private readonly logger = new Logger(ProvisioningService.name);

  constructor(
    private readonly devices: DeviceService,
    private readonly registration: DeviceRegistration,
    private readonly organizations: OrganizationService,
    private readonly iot: DeviceIdentities,
  ) {}

  /**
   * Panorama's delete: DELETING at once, the worker purges later; certificates are revoked
   * and live connections dropped right away too (best effort: the worker's purge repeats it).
   */
  async deprovisionDevice(principal: Principal, deviceId: string) {
    const device = await this.devices.scheduleDeletion(principal, deviceId);
    await this.iot.decommissionThing(deviceId).catch((err) => this.logger.warn({ err, deviceId }, 'immediate revocation failed; the worker will retry'));
    return device;
  }

  /** The worker's half of deleteDevice: certificates revoked and connections dropped first (the device can never come back), then the rows. */
  async purgeDevice(deviceId: string, actor: string): Promise<boolean> {
    if (await this.devices.isBeingDeleted(deviceId)) await this.iot.decommissionThing(deviceId);
    return this.devices.purge(deviceId, actor);
  }

  async provisionDevice(principal: Principal, input: NewDevice): Promise<ProvisionedDevice> {
    const networking = networkingConfiguration.safeParse(input.networkingConfiguration ?? {});
    if (!networking.success) {
      const issue = networking.error.issues[0];
      throw validationFailed(['networkingConfiguration', ...issue.path].join('.'), issue.message);
    }
    const quotas = await this.organizations.quotas(principal.organizationId);
    const device = await this.devices.create(principal, { ...input, networkingConfiguration: networking.data }, quotas.devices);
    try {
      await this.iot.createThing(device.deviceId, principal.organizationId);
      const claim = await this.iot.createProvisioningClaim(device.deviceId, principal.organizationId);
      const config: BundleConfig = {
        version: 1,
        thingName: device.deviceId,
        deviceName: device.name,
        endpoint: claim.endpoint,
        provisioningTemplate: claim.templateName,
        claimExpiresAt: claim.expiresAt.toISOString(),
        certificates: { claimCertificate: BUNDLE_FILES.claimCertificate, claimPrivateKey: BUNDLE_FILES.claimPrivateKey, rootCa: BUNDLE_FILES.rootCa },
        networking: networking.data,
      };
      const zip = zipSync({
        [BUNDLE_FILES.config]: strToU8(JSON.stringify(config, null, 2)),
        [BUNDLE_FILES.claimCertificate]: strToU8(claim.certificatePem),
        [BUNDLE_FILES.claimPrivateKey]: strToU8(claim.privateKeyPem),
        [BUNDLE_FILES.rootCa]: strToU8(claim.rootCaPem),
      });
      const { arn } = await this.devices.get(principal, device.deviceId);
      return {
        deviceId: device.deviceId,
        arn,
        status: 'AWAITING_PROVISIONING',
        iotThingName: device.deviceId,
        certificates: Buffer.from(zip).toString('base64'),
        expiresAt: claim.expiresAt,
      };
    } catch (err) {
      // No half-provisioned device: without a bundle the registration is undone.
      await this.iot.decommissionThing(device.deviceId).catch(() => undefined);
      await this.registration.withdraw(device.deviceId).catch(() => undefined);
      throw err;
    }
  }
}
