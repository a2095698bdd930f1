import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the local services', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/edgefleet');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.API_PORT).toBe(3000);
    expect(c.IOT_BACKEND).toBe('local');
    expect(c.GATEWAY_SANS).toEqual(['localhost', '127.0.0.1']);
    expect(c.CLAIM_TTL_SECONDS).toBe(300);
  });

  it.each([
    ['API_PORT', 'abc'],
    ['API_PORT', '70000'],
    ['IOT_BACKEND', 'azure'],
    ['DATABASE_URL', 'mysql://x'],
    ['CLAIM_TTL_SECONDS', '600'],
    ['EDGEFLEET_BOOTSTRAP_API_KEY', 'short'],
    ['TRUSTED_PROXIES', 'everyone'],
    ['GATEWAY_REDIS_CLUSTER_NODES', 'redis://10.0.0.1:7000'],
    ['GATEWAY_REDIS_CLUSTER_NODES', '10.0.0.1:7000,10.0.0.2'],
    ['TRUSTED_PROXIES', '10.0.0.0/8,lb.example'],
  ])('stops on %s=%s with one line naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name}: .*\\(got "${value}"\\)$`));
  });

  it('believes forwarded headers from loopback only, unless told whom else', () => {
    expect(loadConfig({}).TRUSTED_PROXIES).toBe('loopback');
    expect(loadConfig({ TRUSTED_PROXIES: 'loopback, 10.0.0.0/8,192.168.1.7,::1' }).TRUSTED_PROXIES).toBe('loopback, 10.0.0.0/8,192.168.1.7,::1');
  });

  it('takes a Redis Cluster for the gateways as host:port seed nodes', () => {
    expect(loadConfig({}).GATEWAY_REDIS_CLUSTER_NODES).toBeUndefined();
    expect(loadConfig({ GATEWAY_REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001' }).GATEWAY_REDIS_CLUSTER_NODES).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b', port: 7001 },
    ]);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ API_PORT: '' }).API_PORT).toBe(3000);
  });
});
