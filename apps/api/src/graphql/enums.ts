import { registerEnumType } from '@nestjs/graphql';
import {
  API_KEY_ROLES,
  DEVICE_AGGREGATED_STATUSES,
  DEVICE_JOB_STATUSES,
  DEVICE_JOB_TYPES,
  JOB_EXECUTION_STATUSES,
  ROLLOUT_STATUSES,
  DEVICE_CONNECTION_STATUSES,
  PROVISIONING_STATUSES,
} from '@edgefleet/domain';

/** A GraphQL enum whose values are exactly the domain's (Panorama's spelling). */
export function enumOf<const T extends readonly string[]>(name: string, values: T, description: string) {
  const e = Object.fromEntries(values.map((v) => [v, v])) as { [K in T[number]]: K };
  registerEnumType(e, { name, description });
  return e;
}

export const ProvisioningStatusEnum = enumOf('ProvisioningStatus', PROVISIONING_STATUSES, 'Where the device is in provisioning.');
export const DeviceConnectionStatusEnum = enumOf(
  'DeviceConnectionStatus',
  DEVICE_CONNECTION_STATUSES,
  'Whether the device is connected to EdgeFleet.',
);
export const DeviceAggregatedStatusEnum = enumOf(
  'DeviceAggregatedStatus',
  DEVICE_AGGREGATED_STATUSES,
  "One word for the device's state, most urgent first.",
);
export const DeviceTypeEnum = enumOf('DeviceType', ['PANORAMA_APPLIANCE_DEVELOPER_KIT', 'PANORAMA_APPLIANCE'] as const, 'Hardware type.');
export const DeviceBrandEnum = enumOf('DeviceBrand', ['AWS_PANORAMA', 'LENOVO'] as const, 'Hardware brand.');
export const ApiKeyRoleEnum = enumOf('ApiKeyRole', API_KEY_ROLES, 'VIEWER reads; OPERATOR also changes the fleet; ADMIN also manages keys.');
export const DeviceSortByEnum = enumOf('DeviceSortBy', ['DEVICE_ID', 'CREATED_TIME', 'NAME'] as const, 'Sort key of device lists.');
export const SortOrderEnum = enumOf('SortOrder', ['ASCENDING', 'DESCENDING'] as const, 'Sort direction.');
export const NetworkConnectionStatusEnum = enumOf(
  'NetworkConnectionStatus',
  ['CONNECTED', 'NOT_CONNECTED', 'CONNECTING'] as const,
  'State of a network interface.',
);
export const DeviceJobTypeEnum = enumOf('JobType', DEVICE_JOB_TYPES, 'What a device job does.');
export const RolloutJobTypeEnum = enumOf('RolloutJobType', [...DEVICE_JOB_TYPES, 'DEPLOY_APPLICATION'] as const, 'What a rollout does on each device: a device job, or an application deployment.');
export const DeviceJobStatusEnum = enumOf('UpdateProgress', DEVICE_JOB_STATUSES, "A device job's status (Panorama's UpdateProgress, plus CANCELED, TIMED_OUT and REJECTED).");
export const JobExecutionStatusEnum = enumOf('JobExecutionStatus', JOB_EXECUTION_STATUSES, 'The AWS IoT job execution status the device sees.');
export const RolloutStatusEnum = enumOf('RolloutStatus', ROLLOUT_STATUSES, 'Where a rollout is.');
