import { type AggregatedStatusInput, deviceAggregatedStatus } from './device-aggregated-status';

const now = new Date('2026-11-23T12:00:00Z');
const base: AggregatedStatusInput = {
  provisioningStatus: 'SUCCEEDED',
  deviceConnectionStatus: 'ONLINE',
  leaseExpirationTime: null,
  currentSoftware: '4.3.55',
  latestSoftware: '4.3.55',
  rebooting: false,
};

describe('deviceAggregatedStatus', () => {
  it.each([
    [{}, 'ONLINE'],
    [{ provisioningStatus: 'AWAITING_PROVISIONING' }, 'AWAITING_PROVISIONING'],
    [{ provisioningStatus: 'DELETING', rebooting: true }, 'DELETING'],
    [{ provisioningStatus: 'ERROR' }, 'ERROR'],
    [{ rebooting: true, deviceConnectionStatus: 'OFFLINE' }, 'REBOOTING'],
    [{ leaseExpirationTime: new Date('2026-11-23T11:59:59Z') }, 'LEASE_EXPIRED'],
    [{ leaseExpirationTime: new Date('2026-11-24T00:00:00Z') }, 'ONLINE'],
    [{ deviceConnectionStatus: 'ERROR' }, 'ERROR'],
    [{ deviceConnectionStatus: 'OFFLINE', latestSoftware: '5.0.0' }, 'OFFLINE'],
    [{ deviceConnectionStatus: 'NOT_AVAILABLE' }, 'OFFLINE'],
    [{ latestSoftware: '4.3.100' }, 'UPDATE_NEEDED'],
    [{ latestSoftware: '4.3.9' }, 'ONLINE'],
    [{ currentSoftware: null, latestSoftware: '5.0.0' }, 'ONLINE'],
  ] as [Partial<AggregatedStatusInput>, string][])('%j → %s', (change, expected) => {
    expect(deviceAggregatedStatus({ ...base, ...change }, now)).toBe(expected);
  });
});
