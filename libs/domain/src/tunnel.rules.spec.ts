import { DomainError } from './errors';
import { tunnelMachine } from './tunnel.machine';
import { CLIENT_TOKEN, assertTunnelServices, assertTunnelTimeout, isTunnelId, newTunnelAccessToken, tunnelArn, tunnelTokenHash } from './tunnel.rules';

const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? `${err.code}: ${err.message}` : String(err);
  }
  return undefined;
};

describe('secure tunnel rules (AWS IoT secure tunneling limits)', () => {
  it('takes 1 to 3 distinct service ids of AWS\'s alphabet', () => {
    for (const ok of [['SSH'], ['SSH', 'HTTP', 'RDP'], ['a:b_c-1'], ['x'.repeat(128)]]) expect(refusal(() => assertTunnelServices(ok))).toBeUndefined();
    expect(refusal(() => assertTunnelServices([]))).toMatch(/^VALIDATION_FAILED: .*1 to 3 services/);
    expect(refusal(() => assertTunnelServices(['A', 'B', 'C', 'D']))).toMatch(/not 4/);
    expect(refusal(() => assertTunnelServices(['SSH', 'SSH']))).toMatch(/once/);
    for (const bad of ['', 'no spaces', 'x'.repeat(129), 'ssh/22', 'é']) expect(refusal(() => assertTunnelServices([bad]))).toMatch(/is not a service id/);
  });

  it('keeps a tunnel open 1 to 720 whole minutes', () => {
    for (const ok of [1, 60, 720]) expect(refusal(() => assertTunnelTimeout(ok))).toBeUndefined();
    for (const bad of [0, -1, 721, 1.5, Number.NaN]) expect(refusal(() => assertTunnelTimeout(bad))).toMatch(/^VALIDATION_FAILED: .*1 to 720 minutes/);
  });

  it('makes access tokens that differ every time and are stored as their SHA-256 only', () => {
    const [a, b] = [newTunnelAccessToken(), newTunnelAccessToken()];
    expect(a).toMatch(/^eft_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(tunnelTokenHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(tunnelTokenHash(a)).not.toBe(tunnelTokenHash(b));
  });

  it("takes AWS's client tokens and tunnel ids, and names tunnels as AWS does", () => {
    expect(CLIENT_TOKEN.test('0b0b7d3e-2a1c-4c55-9a5e-3f3c1d7c9f00')).toBe(true);
    expect(CLIENT_TOKEN.test('short')).toBe(false);
    expect(CLIENT_TOKEN.test('x'.repeat(32) + ' ')).toBe(false);
    expect(isTunnelId('0b0b7d3e-2a1c-4c55-9a5e-3f3c1d7c9f00')).toBe(true);
    expect(isTunnelId("'; DROP TABLE")).toBe(false);
    expect(tunnelArn('us-east-1', '123456789012', 't')).toBe('arn:aws:iot:us-east-1:123456789012:tunnel/t');
  });

  it('closes an open tunnel once', () => {
    expect(tunnelMachine.next('OPEN', 'CLOSE')).toBe('CLOSED');
    expect(tunnelMachine.next('CLOSED', 'CLOSE')).toBeUndefined();
    expect(() => tunnelMachine.transition('CLOSED', 'CLOSE')).toThrow(DomainError);
  });
});
