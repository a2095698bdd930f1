import { StateMachine } from './state-machine';

export type CertificateStatus = 'PENDING_ACTIVATION' | 'ACTIVE' | 'REVOKED';
export type CertificateEvent = 'ACTIVATE' | 'REVOKE';

/**
 * AWS IoT's certificate states: a device certificate issued to a claim is PENDING_ACTIVATION
 * until RegisterThing activates it; a claim is revoked once used, and every certificate of a
 * deleted device is revoked. REVOKED is final.
 */
export const certificateMachine = new StateMachine<CertificateStatus, CertificateEvent>('Certificate', {
  ACTIVATE: { PENDING_ACTIVATION: 'ACTIVE' },
  REVOKE: { PENDING_ACTIVATION: 'REVOKED', ACTIVE: 'REVOKED' },
});
