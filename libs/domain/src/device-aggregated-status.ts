import type { DeviceConnectionStatus, ProvisioningStatus } from './device-status.machine';
import { compareSoftwareVersions } from './software-version';

export const DEVICE_AGGREGATED_STATUSES = [
  'ERROR',
  'AWAITING_PROVISIONING',
  'PENDING',
  'FAILED',
  'DELETING',
  'ONLINE',
  'OFFLINE',
  'LEASE_EXPIRED',
  'UPDATE_NEEDED',
  'REBOOTING',
] as const;
export type DeviceAggregatedStatus = (typeof DEVICE_AGGREGATED_STATUSES)[number];

export interface AggregatedStatusInput {
  provisioningStatus: ProvisioningStatus;
  deviceConnectionStatus: DeviceConnectionStatus;
  leaseExpirationTime: Date | null;
  currentSoftware: string | null;
  latestSoftware: string | null;
  /** A REBOOT (or the reboot step of an OTA) is under way. */
  rebooting: boolean;
}

/** Panorama's one-word summary of a device, most urgent first. */
export function deviceAggregatedStatus(d: AggregatedStatusInput, now: Date): DeviceAggregatedStatus {
  if (d.provisioningStatus !== 'SUCCEEDED') return d.provisioningStatus;
  if (d.rebooting) return 'REBOOTING';
  if (d.leaseExpirationTime && d.leaseExpirationTime.getTime() <= now.getTime()) return 'LEASE_EXPIRED';
  if (d.deviceConnectionStatus === 'ERROR') return 'ERROR';
  if (d.deviceConnectionStatus !== 'ONLINE') return 'OFFLINE';
  if (d.currentSoftware && d.latestSoftware && compareSoftwareVersions(d.latestSoftware, d.currentSoftware) > 0) {
    return 'UPDATE_NEEDED';
  }
  return 'ONLINE';
}
