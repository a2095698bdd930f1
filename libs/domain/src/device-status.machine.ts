import { StateMachine } from './state-machine';

export const PROVISIONING_STATUSES = [
  'AWAITING_PROVISIONING',
  'PENDING',
  'SUCCEEDED',
  'FAILED',
  'ERROR',
  'DELETING',
] as const;
export type ProvisioningStatus = (typeof PROVISIONING_STATUSES)[number];

export const DEVICE_CONNECTION_STATUSES = ['ONLINE', 'OFFLINE', 'AWAITING_CREDENTIALS', 'NOT_AVAILABLE', 'ERROR'] as const;
export type DeviceConnectionStatus = (typeof DEVICE_CONNECTION_STATUSES)[number];

export type ProvisioningEvent = 'CERTIFICATE_ISSUED' | 'REGISTER' | 'FAIL' | 'ERROR' | 'DELETE';

/**
 * AWAITING_PROVISIONING → PENDING when the claim trades a CSR for a certificate,
 * → SUCCEEDED when the device registers. FAILED and ERROR are final but for delete;
 * a device is never provisioned twice (Panorama: delete it and create a new one).
 */
export const provisioningMachine = new StateMachine<ProvisioningStatus, ProvisioningEvent>('Device provisioning', {
  CERTIFICATE_ISSUED: { AWAITING_PROVISIONING: 'PENDING' },
  REGISTER: { AWAITING_PROVISIONING: 'SUCCEEDED', PENDING: 'SUCCEEDED' },
  FAIL: { AWAITING_PROVISIONING: 'FAILED', PENDING: 'FAILED' },
  ERROR: { AWAITING_PROVISIONING: 'ERROR', PENDING: 'ERROR', SUCCEEDED: 'ERROR' },
  DELETE: {
    AWAITING_PROVISIONING: 'DELETING',
    PENDING: 'DELETING',
    SUCCEEDED: 'DELETING',
    FAILED: 'DELETING',
    ERROR: 'DELETING',
  },
});

export type ConnectionEvent = 'CREDENTIALS_ISSUED' | 'CONNECT' | 'DISCONNECT' | 'ERROR';

/** AWAITING_CREDENTIALS until registered, NOT_AVAILABLE until first seen, then ONLINE/OFFLINE. */
export const connectionMachine = new StateMachine<DeviceConnectionStatus, ConnectionEvent>('Device connection', {
  CREDENTIALS_ISSUED: { AWAITING_CREDENTIALS: 'NOT_AVAILABLE' },
  CONNECT: { NOT_AVAILABLE: 'ONLINE', OFFLINE: 'ONLINE', ERROR: 'ONLINE' },
  DISCONNECT: { ONLINE: 'OFFLINE' },
  ERROR: { ONLINE: 'ERROR', OFFLINE: 'ERROR', NOT_AVAILABLE: 'ERROR' },
});
