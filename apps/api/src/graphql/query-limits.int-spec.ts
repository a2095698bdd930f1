import { getIntrospectionQuery } from 'graphql';
import { type GraphqlResponse, gql, newKey, newOrganization, seedDevice, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

/** The probe's page: 100 devices with their aggregated status and the total count. */
const PAGE = 'devices(first: 100) { totalCount edges { node { deviceId deviceAggregatedStatus } } }';
const aliased = (n: number, field: string, head = '') => `${head}{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
const refusal = (r: GraphqlResponse) => r.errors?.[0]?.extensions;

/** Waits for the start of a fresh second, so a burst lands in one rate-limit window. */
const freshSecond = () => new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));

describe('query limits (default configuration)', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let viewer: string;

  beforeAll(async () => {
    api = await startApi();
    org = await newOrganization(api);
    viewer = await newKey(api, org, 'VIEWER');
  });
  afterAll(() => api.app.close());

  it('refuses the probe (1,000 aliased pages of 100 devices) before running any of it, and stays healthy', async () => {
    const r = await gql(api.url, viewer, aliased(1000, PAGE));
    expect(refusal(r)).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX' });
    expect(r.data ?? null).toBeNull();
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
  });

  it('prices a list by its page size and names the cost and the limit', async () => {
    const r = await gql(api.url, viewer, aliased(25, PAGE));
    const ext = refusal(r)!;
    expect(ext).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX', cost: expect.any(Number), limit: 10_000 });
    expect(ext.cost).toBeGreaterThan(10_000);
    expect(r.errors![0].message).toContain(String(ext.cost));
    expect(r.errors![0].message).toContain('10000');

    // The page size counts the same when it comes in a variable.
    const paged = (n: number) => gql(api.url, viewer, aliased(25, 'devices(first: $n) { totalCount edges { node { deviceId } } }', 'query($n: Int!) '), { n });
    expect(refusal(await paged(100))).toMatchObject({ reason: 'QUERY_TOO_COMPLEX' });
    expect((await paged(10)).errors).toBeUndefined();
  });

  it('lets a full page of every device field through', async () => {
    const node = `deviceId arn name description type brand serialNumber provisioningStatus provisioningStatusReason deviceConnectionStatus
      deviceAggregatedStatus currentSoftware latestSoftware leaseExpirationTime lastSeenAt createdTime lastUpdatedTime tags { key value }
      currentNetworkingStatus { ethernet0Status { ipAddress connectionStatus hwAddress } ethernet1Status { ipAddress connectionStatus hwAddress }
      ntpStatus { connectionStatus ipAddress ntpServerName } lastUpdatedTime }`;
    const r = await gql(api.url, viewer, `{ devices(first: 100) { totalCount edges { cursor node { ${node} } } pageInfo { hasNextPage endCursor } } }`);
    expect(r.errors).toBeUndefined();
  });

  it('refuses more aliases than the alias limit', async () => {
    const r = await gql(api.url, viewer, aliased(51, 'softwareImages { version }'));
    expect(refusal(r)).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX', limit: 50 });
    expect(r.errors![0].message).toMatch(/51/);
    expect((await gql(api.url, viewer, aliased(50, 'softwareImages { version }'))).errors).toBeUndefined();
  });

  it('refuses documents deeper than the depth limit, but serves GraphiQL its introspection', async () => {
    const deep = `{ __type(name: "Device") { fields { type { ${'ofType { '.repeat(12)}name${' }'.repeat(12)} } } } }`;
    const r = await gql(api.url, viewer, deep);
    expect(refusal(r)).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX', limit: 12 });
    expect((await gql(api.url, viewer, getIntrospectionQuery())).errors).toBeUndefined();
  });

  it('refuses documents of more tokens than the token limit', async () => {
    const tags = '{key: "k"} '.repeat(1_200); // 5 tokens each
    const r = await gql(api.url, viewer, `{ devices(first: 1, filter: {tags: [${tags}]}) { totalCount } }`);
    expect(refusal(r)).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX', limit: 5_000 });
  });
});

describe('query limits (configured)', () => {
  let api: RunningApi;
  let org: TestOrganization;

  beforeAll(async () => {
    api = await startApi({ GRAPHQL_MAX_COST: '50', GRAPHQL_MAX_ALIASES: '2', GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_TOKENS: '40' });
    org = await newOrganization(api);
  });
  afterAll(() => api.app.close());

  it('takes its limits from the configuration', async () => {
    const call = (query: string) => gql(api.url, org.adminKey, query).then(refusal);
    expect(await call('{ devices(first: 20) { edges { node { deviceId name } } } }')).toMatchObject({ reason: 'QUERY_TOO_COMPLEX', limit: 50 });
    expect(await call(aliased(3, 'apiKeys { id }'))).toMatchObject({ reason: 'QUERY_TOO_COMPLEX', limit: 2 });
    expect(await call('{ devices(first: 1) { edges { node { tags { key } } } } }')).toMatchObject({ reason: 'QUERY_TOO_COMPLEX', limit: 4 });
    expect(await call(`{ apiKeys { ${'id '.repeat(40)}} }`)).toMatchObject({ reason: 'QUERY_TOO_COMPLEX', limit: 40 });
    expect(await call('{ devices(first: 1) { totalCount } }')).toBeUndefined();
  });
});

describe('mutation rate', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.app.close());

  it('counts each mutation of a request, aliases included, against the mutations per second', async () => {
    const org = await newOrganization(api, { mutationsPerSecond: 1 });
    const { deviceId } = await seedDevice(api, org);
    const batch = aliased(25, `updateDeviceMetadata(deviceId: "${deviceId}", description: "batched") { name }`, 'mutation ');
    await freshSecond();
    const r = await gql(api.url, org.adminKey, batch);
    expect(refusal(r)).toMatchObject({ code: 'RATE_LIMITED', reason: 'MUTATION_RATE_EXCEEDED' });
    const device = await gql(api.url, org.adminKey, 'query($id: ID!) { device(deviceId: $id) { description } }', { id: deviceId });
    expect(device.data!.device.description).toBeNull();

    const roomy = await newOrganization(api, { mutationsPerSecond: 30 });
    const other = await seedDevice(api, roomy);
    const fits = aliased(25, `updateDeviceMetadata(deviceId: "${other.deviceId}", description: "batched") { name }`, 'mutation ');
    await freshSecond();
    const [first, second] = [await gql(api.url, roomy.adminKey, fits), await gql(api.url, roomy.adminKey, fits)];
    expect([refusal(first), refusal(second)?.reason]).toEqual([undefined, 'MUTATION_RATE_EXCEEDED']);
  });
});
