import {
  DEVICE_CONNECTION_STATUSES,
  PROVISIONING_STATUSES,
  type ConnectionEvent,
  type ProvisioningEvent,
  connectionMachine,
  provisioningMachine,
} from './device-status.machine';
import { DomainError } from './errors';

// Every (state, event) pair, with the expected outcome spelled out: undefined = refused.
const PROVISIONING: Record<ProvisioningEvent, Record<(typeof PROVISIONING_STATUSES)[number], string | undefined>> = {
  CERTIFICATE_ISSUED: { AWAITING_PROVISIONING: 'PENDING', PENDING: undefined, SUCCEEDED: undefined, FAILED: undefined, ERROR: undefined, DELETING: undefined },
  REGISTER: { AWAITING_PROVISIONING: 'SUCCEEDED', PENDING: 'SUCCEEDED', SUCCEEDED: undefined, FAILED: undefined, ERROR: undefined, DELETING: undefined },
  FAIL: { AWAITING_PROVISIONING: 'FAILED', PENDING: 'FAILED', SUCCEEDED: undefined, FAILED: undefined, ERROR: undefined, DELETING: undefined },
  ERROR: { AWAITING_PROVISIONING: 'ERROR', PENDING: 'ERROR', SUCCEEDED: 'ERROR', FAILED: undefined, ERROR: undefined, DELETING: undefined },
  DELETE: { AWAITING_PROVISIONING: 'DELETING', PENDING: 'DELETING', SUCCEEDED: 'DELETING', FAILED: 'DELETING', ERROR: 'DELETING', DELETING: undefined },
};

const CONNECTION: Record<ConnectionEvent, Record<(typeof DEVICE_CONNECTION_STATUSES)[number], string | undefined>> = {
  CREDENTIALS_ISSUED: { AWAITING_CREDENTIALS: 'NOT_AVAILABLE', NOT_AVAILABLE: undefined, ONLINE: undefined, OFFLINE: undefined, ERROR: undefined },
  CONNECT: { AWAITING_CREDENTIALS: undefined, NOT_AVAILABLE: 'ONLINE', ONLINE: undefined, OFFLINE: 'ONLINE', ERROR: 'ONLINE' },
  DISCONNECT: { AWAITING_CREDENTIALS: undefined, NOT_AVAILABLE: undefined, ONLINE: 'OFFLINE', OFFLINE: undefined, ERROR: undefined },
  ERROR: { AWAITING_CREDENTIALS: undefined, NOT_AVAILABLE: 'ERROR', ONLINE: 'ERROR', OFFLINE: 'ERROR', ERROR: undefined },
};

describe('provisioning machine', () => {
  for (const [event, row] of Object.entries(PROVISIONING) as [ProvisioningEvent, Record<string, string | undefined>][]) {
    for (const from of PROVISIONING_STATUSES) {
      const expected = row[from];
      it(`${from} --${event}--> ${expected ?? 'refused'}`, () => {
        if (expected) {
          expect(provisioningMachine.transition(from, event)).toBe(expected);
        } else {
          expect(() => provisioningMachine.transition(from, event)).toThrow(DomainError);
          expect(provisioningMachine.next(from, event)).toBeUndefined();
        }
      });
    }
  }

  it('lists the sources of an event for compare-and-set', () => {
    expect(provisioningMachine.sourcesOf('REGISTER').sort()).toEqual(['AWAITING_PROVISIONING', 'PENDING']);
  });

  it('says what was refused, as a CONFLICT', () => {
    expect(() => provisioningMachine.transition('DELETING', 'REGISTER')).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: 'Device provisioning cannot register while DELETING.' }),
    );
  });
});

describe('connection machine', () => {
  for (const [event, row] of Object.entries(CONNECTION) as [ConnectionEvent, Record<string, string | undefined>][]) {
    for (const from of DEVICE_CONNECTION_STATUSES) {
      const expected = row[from];
      it(`${from} --${event}--> ${expected ?? 'refused'}`, () => {
        expect(connectionMachine.next(from, event)).toBe(expected);
      });
    }
  }
});
