import { parseTunnelService } from './tunnel.agent';

describe('--tunnel-service', () => {
  it('maps a service id to a local address, 127.0.0.1 unless one is given', () => {
    expect(parseTunnelService('SSH=22')).toEqual(['SSH', { host: '127.0.0.1', port: 22 }]);
    expect(parseTunnelService('HTTP=192.168.0.10:8080')).toEqual(['HTTP', { host: '192.168.0.10', port: 8080 }]);
    expect(parseTunnelService('VNC=[::1]:5900')).toEqual(['VNC', { host: '::1', port: 5900 }]);
  });

  it('says what it takes when given something else', () => {
    for (const bad of ['SSH', 'SSH=', 'SSH=0', 'SSH=65536', 'no spaces=22', '=22', 'SSH=host:port']) expect(() => parseTunnelService(bad)).toThrow(/--tunnel-service takes SERVICE=\[host:\]port/);
  });
});
