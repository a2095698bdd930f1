import { DomainError, validationFailed } from './errors';
import type { DeviceJobType } from './device-job.machine';
import { compareSoftwareVersions } from './software-version';

/** Panorama's CreateJobForDevices takes 1 device id; we allow batches, up to this many per call. */
export const MAX_DEVICES_PER_JOB_REQUEST = 10_000;

export interface JobTarget {
  deviceId: string;
  provisioningStatus: string;
  currentSoftware: string | null;
  /** An OTA of this device that has not ended yet. */
  activeOtaJobId?: string | null;
}

export interface OtaImage {
  version: string;
  majorVersionUpdate: boolean;
  uploaded: boolean;
}

export interface JobRequest {
  jobType: DeviceJobType;
  imageVersion?: string | null;
  allowMajorVersionUpdate?: boolean | null;
}

const major = (version: string) => Number(version.split('.')[0]);

export function assertDeviceIdCount(count: number): void {
  if (count < 1 || count > MAX_DEVICES_PER_JOB_REQUEST) {
    throw validationFailed('deviceIds', `must name between 1 and ${MAX_DEVICES_PER_JOB_REQUEST} devices (got ${count}).`);
  }
}

/**
 * Every rule a device job must pass before anything is queued; the first broken rule
 * is reported with the devices it concerns. `image` is the OTA's image, if it exists.
 */
export function assertJobAllowed(request: JobRequest, devices: JobTarget[], image: OtaImage | undefined): void {
  const refuse = (message: string, deviceIds: string[]) => {
    throw new DomainError('JOB_NOT_ALLOWED', `${message}: ${deviceIds.slice(0, 10).join(', ')}${deviceIds.length > 10 ? ` and ${deviceIds.length - 10} more` : ''}.`, {
      deviceIds: deviceIds.slice(0, 100),
    });
  };
  const unprovisioned = devices.filter((d) => d.provisioningStatus !== 'SUCCEEDED').map((d) => d.deviceId);
  if (unprovisioned.length) refuse('Jobs need provisioned devices (provisioningStatus SUCCEEDED)', unprovisioned);
  if (request.jobType === 'REBOOT') {
    if (request.imageVersion) throw validationFailed('deviceJobConfig', 'a REBOOT job takes no otaJobConfig.');
    return;
  }
  if (!request.imageVersion) throw validationFailed('deviceJobConfig.otaJobConfig.imageVersion', 'is required for an OTA job.');
  if (!image) throw new DomainError('SOFTWARE_IMAGE_NOT_FOUND', `Software image ${request.imageVersion} was not found; register and upload it first.`, { imageVersion: request.imageVersion });
  if (!image.uploaded) throw new DomainError('IMAGE_NOT_UPLOADED', `Software image ${image.version} has no uploaded file yet.`, { imageVersion: image.version });
  const busy = devices.filter((d) => d.activeOtaJobId).map((d) => `${d.deviceId} (${d.activeOtaJobId})`);
  if (busy.length) throw new DomainError('OTA_IN_PROGRESS', `These devices already have an OTA in progress: ${busy.slice(0, 10).join(', ')}.`, { devices: busy.slice(0, 100) });
  const downgrades = devices.filter((d) => d.currentSoftware && compareSoftwareVersions(image.version, d.currentSoftware) <= 0);
  if (downgrades.length) {
    refuse(`Image ${image.version} is not newer than the software of these devices (downgrades and reinstalls are never allowed)`, downgrades.map((d) => `${d.deviceId} (${d.currentSoftware})`));
  }
  const majors = devices.filter((d) => image.majorVersionUpdate || (d.currentSoftware && major(image.version) > major(d.currentSoftware)));
  if (majors.length && !request.allowMajorVersionUpdate) {
    refuse(`Image ${image.version} is a major version update for these devices; set allowMajorVersionUpdate`, majors.map((d) => `${d.deviceId} (${d.currentSoftware ?? 'unknown'})`));
  }
}
