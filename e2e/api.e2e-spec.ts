import { randomBytes } from 'node:crypto';
import { type AppProcess, TEST_DATABASE_URL, codeOf, freePort, gql, startApp, uniqueName, waitForOutput } from './support';

jest.setTimeout(60_000);

describe('the api as a process', () => {
  const running: AppProcess[] = [];
  afterAll(() => Promise.all(running.map((p) => p.stop())));

  const start = async (env: Record<string, string>) => {
    const port = await freePort();
    const p = startApp('api', {
      DATABASE_URL: TEST_DATABASE_URL,
      API_PORT: String(port),
      LOG_LEVEL: 'warn',
      REDIS_PREFIX: uniqueName('e2e'),
      ...env,
    });
    running.push(p);
    return { p, url: `http://127.0.0.1:${port}` };
  };

  it('starts, prints its URLs, accepts the bootstrap key, and serves the registry', async () => {
    const key = `efk_${randomBytes(24).toString('base64url')}`;
    const { p, url } = await start({ EDGEFLEET_DEFAULT_ORGANIZATION: uniqueName('org'), EDGEFLEET_BOOTSTRAP_API_KEY: key });
    await waitForOutput(p, /GraphiQL: http:\/\/127\.0\.0\.1:\d+\/graphiql/);

    const health = await fetch(`${url}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok', postgres: 'up', redis: 'up' }]);

    const r = await gql(url, key, '{ devices(first: 5) { totalCount edges { node { deviceId } } } apiKeys { name role } }');
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ devices: { totalCount: 0, edges: [] }, apiKeys: [{ name: 'bootstrap', role: 'ADMIN' }] });
    expect(codeOf(await gql(url, 'efk_wrong', '{ devices(first: 1) { totalCount } }'))).toBe('UNAUTHENTICATED');

    const graphiql = await fetch(`${url}/graphiql`);
    expect(graphiql.status).toBe(200);
  });

  it('on first start without a bootstrap key, creates and prints an admin key once', async () => {
    const org = uniqueName('org');
    const first = await start({ EDGEFLEET_DEFAULT_ORGANIZATION: org });
    const [, key] = await waitForOutput(first.p, /Admin API key \(shown once, store it now\): (efk_\S+)/);
    expect(codeOf(await gql(first.url, key, '{ apiKeys { id } }'))).toBeUndefined();
    await first.p.stop();

    const second = await start({ EDGEFLEET_DEFAULT_ORGANIZATION: org });
    await waitForOutput(second.p, /GraphiQL:/);
    expect(second.p.output()).not.toMatch(/Admin API key/);
  });

  it('reports a missing dependency by name with 503', async () => {
    const { p, url } = await start({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, EDGEFLEET_DEFAULT_ORGANIZATION: uniqueName('org') });
    // Slower than a healthy start (every Redis client retries as it comes up), and more so on a loaded machine: this is about the 503, not the start's speed.
    await waitForOutput(p, /listening/, 60_000);
    const health = await fetch(`${url}/health`);
    const body = await health.json();
    expect(health.status).toBe(503);
    expect(body).toMatchObject({ status: 'unavailable', postgres: 'up', redis: expect.stringMatching(/^down: /) });
  });

  it('refuses a bad configuration with one line naming the variable', async () => {
    const p = startApp("api", { API_PORT: "eighty" });
    running.push(p);
    expect(await p.exited).toBe(1);
    expect(p.output().trim()).toBe('Invalid configuration: API_PORT: Invalid input: expected number, received NaN (got "eighty")');
  });
});
