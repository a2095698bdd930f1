import { Injectable } from '@nestjs/common';
import type { Tx } from '@edgefleet/db';
import { type ProvisioningStatus, provisioningMachine } from '@edgefleet/domain';
import { DeviceRepository } from './device.repository';
import { type Registration, moveProvisioning, registerDevice } from './device.transitions';

/**
 * A device's way into the fleet, as provisioning moves it: certificate issued, registered (then
 * awaiting its first connection), or failed when its bundle expired unused.
 */
@Injectable()
export class DeviceRegistration {
  constructor(private readonly devices: DeviceRepository) {}

  /** In the caller's transaction: a device certificate was issued to the device's claim (only the first moves it). */
  async certificateIssued(tx: Tx, device: { deviceId: string; provisioningStatus: ProvisioningStatus }, actor: string): Promise<void> {
    await moveProvisioning(tx, device.deviceId, device.provisioningStatus, 'CERTIFICATE_ISSUED', actor);
  }

  /** In the caller's transaction: registered (with its lease and serial number, when known), its credentials issued. Whether it moved. */
  register(tx: Tx, device: { deviceId: string; provisioningStatus: ProvisioningStatus }, actor: string, registration?: Registration): Promise<boolean> {
    return registerDevice(tx, device, actor, registration);
  }

  /** Provisioning bundles that expired unused leave their device FAILED, with the reason: how many. */
  async failExpiredClaims(now: Date): Promise<number> {
    const stale = await this.devices.expiredClaims(now, provisioningMachine.sourcesOf('FAIL'));
    let failed = 0;
    for (const d of stale) {
      const reason = 'The provisioning bundle expired before the device registered; delete the device and provision it again.';
      if (await this.devices.transaction((tx) => moveProvisioning(tx, d.deviceId, d.provisioningStatus, 'FAIL', 'system:worker', { reason }))) failed++;
    }
    return failed;
  }

  /** Undoes a registration that got no bundle: no half-provisioned device stays. */
  async withdraw(deviceId: string): Promise<void> {
    await this.devices.delete(deviceId);
  }
}
