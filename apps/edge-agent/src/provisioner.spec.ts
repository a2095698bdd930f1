import type { Bundle } from './bundle.reader';
import { explainClaimFailure } from './provisioner';

const bundle = (expiresInMs: number): Bundle => ({
  config: {
    version: 1,
    thingName: 'device-a',
    deviceName: 'a',
    endpoint: { host: 'gw.example', port: 8883 },
    provisioningTemplate: 't',
    claimExpiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    certificates: { claimCertificate: 'c', claimPrivateKey: 'k', rootCa: 'r' },
    networking: {},
  },
  claimCertificatePem: '',
  claimPrivateKeyPem: '',
  rootCaPem: '',
});

describe('explainClaimFailure', () => {
  it('says an expired bundle expired, whatever the socket said', () => {
    expect(explainClaimFailure(new Error('socket hang up'), bundle(-1000)).message).toMatch(/^The bundle expired at .* \(bundles last 5 minutes\)/);
    expect(explainClaimFailure(new Error('sslv3 alert certificate expired'), bundle(60_000)).message).toMatch(/expired/);
  });
  it('says a refused claim was used or its device deleted', () => {
    expect(explainClaimFailure(Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }), bundle(60_000)).message).toMatch(/already used, or the device was deleted/);
  });
  it('says when the gateway does not trust the bundle', () => {
    expect(explainClaimFailure(new Error('tlsv1 alert unknown ca'), bundle(60_000)).message).toMatch(/does not trust this bundle/);
  });
  it('names the endpoint when it cannot be reached', () => {
    expect(explainClaimFailure(new Error('connect ECONNREFUSED'), bundle(60_000)).message).toBe('Could not reach the gateway at gw.example:8883: connect ECONNREFUSED');
  });
});
