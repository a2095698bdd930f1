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
    // Each item of a list argument costs one: 60 tags price the page over 50, 10 do not.
    const tagged = (n: number) => gql(api.url, org.adminKey, 'query($t: [TagInput!]) { devices(first: 1, filter: {tags: $t}) { totalCount } }', { t: Array.from({ length: n }, (_, i) => ({ key: `k${i}` })) }).then(refusal);
    expect(await tagged(60)).toMatchObject({ reason: 'QUERY_TOO_COMPLEX', limit: 50 });
    expect(await tagged(10)).toBeUndefined();
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

describe('hostile requests (security findings 4 and 8)', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let viewer: string;
  /** A raw POST: the body is written as text, since JSON.stringify cannot write 20,000 levels either. */
  const post = async (body: string, key?: string) => {
    const r = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body });
    return { status: r.status, json: () => r.json() as Promise<any> };
  };
  const unknownOperation = JSON.stringify({ query: '{ __typename }', operationName: 'Nope' });
  const nested = (query: string) => `{"query":${JSON.stringify(query)},"variables":{"d":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}}`;
  const deepShadow = nested('mutation($d: JSON!) { updateDeviceShadowDesired(deviceId: "device-x", shadowName: "system", desired: $d) }');

  beforeAll(async () => {
    api = await startApi();
    org = await newOrganization(api);
    viewer = await newKey(api, org, 'VIEWER');
  });
  afterAll(() => api.app.close());

  it('authenticates before pricing: an anonymous request is refused as such, whatever its operation name or variables', async () => {
    for (const body of [unknownOperation, deepShadow]) {
      const r = await post(body);
      expect(r.status).toBe(401);
      expect((await r.json()).errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('answers an authenticated request for an unknown operation name, or variables nested 20,000 levels, with a clear 400', async () => {
    const unknown = await post(unknownOperation, viewer);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).errors[0]).toMatchObject({ message: expect.stringMatching(/Nope/), extensions: { code: 'VALIDATION_FAILED' } });
    const deep = await post(deepShadow, org.adminKey);
    expect(deep.status).toBe(400);
    expect((await deep.json()).errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'INVALID_ARGUMENT', limit: 32 });
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
  });

  it('bounds list arguments and prices their items', async () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}` }));
    const query = 'query($t: [TagInput!]) { devices(first: 1, filter: {tags: $t}) { totalCount } }';
    const refused = await gql(api.url, viewer, query, { t: tags(50_000) });
    expect(refusal(refused)).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'INVALID_ARGUMENT', field: 'DeviceFilterInput.tags', limit: 100 });
    expect(refused.errors![0].message).toBe('DeviceFilterInput.tags: at most 100 items, not 50000.');
    expect((await gql(api.url, viewer, query, { t: tags(100) })).errors).toBeUndefined();
    // A job names up to 10,000 devices; each one is priced.
    const ids = Array.from({ length: 10_001 }, (_, i) => `device-${String(i).padStart(26, 'a')}`);
    const job = await gql(api.url, org.adminKey, 'mutation($ids: [ID!]!) { createJobForDevices(input: {deviceIds: $ids, jobType: REBOOT}) { jobs { jobId } } }', { ids });
    expect(refusal(job)).toMatchObject({ reason: 'INVALID_ARGUMENT', limit: 10_000 });
  });

});
