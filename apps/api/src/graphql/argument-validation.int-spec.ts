import { type GraphqlResponse, gql, newOrganization, seedDevice, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

/** Input Postgres cannot take answers VALIDATION_FAILED naming the argument, never INTERNAL. */
describe('arguments checked before they reach the database', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let deviceId: string;

  beforeAll(async () => {
    api = await startApi();
    org = await newOrganization(api);
    deviceId = (await seedDevice(api, org)).deviceId;
  });
  afterAll(() => api.app.close());

  const answer = async (query: string, variables: Record<string, unknown> = {}) => {
    const r: GraphqlResponse = await gql(api.url, org.adminKey, query, variables);
    const ext = r.errors?.[0]?.extensions;
    return { code: ext?.code, field: ext?.field };
  };

  it('refuses an audit event id beyond bigint and an API key id that is not a UUID', async () => {
    expect(await answer('{ auditEvents(before: "99999999999999999999") { id } }')).toEqual({ code: 'VALIDATION_FAILED', field: 'before' });
    expect(await answer('mutation { revokeApiKey(id: "not-a-uuid") { id } }')).toEqual({ code: 'VALIDATION_FAILED', field: 'id' });
    expect(await answer('mutation { revokeApiKey(id: "00000000-0000-4000-8000-000000000000") { id } }')).toEqual({ code: 'NOT_FOUND', field: undefined });
  });

  it('refuses text Postgres cannot store (a NUL character, an unpaired surrogate) in any argument, naming where it is', async () => {
    const nul = 'a\u0000b';
    const cases: [string, Record<string, unknown>, string][] = [
      ['query($v: ID!) { device(deviceId: $v) { name } }', { v: nul }, 'deviceId'],
      ['query($v: String) { devices(filter: {nameContains: $v}) { totalCount } }', { v: nul }, 'filter.nameContains'],
      ['query($v: String) { auditEvents(targetId: $v) { id } }', { v: nul }, 'targetId'],
      ['mutation($id: ID!, $v: String) { updateDeviceMetadata(deviceId: $id, description: $v) { name } }', { id: deviceId, v: nul }, 'description'],
      ['mutation($v: String!) { createApiKey(input: {name: $v, role: VIEWER}) { secret } }', { v: nul }, 'input.name'],
      ['mutation($v: ID!) { createJobForDevices(input: {deviceIds: [$v], jobType: REBOOT}) { jobs { jobId } } }', { v: nul }, 'input.deviceIds.0'],
      ['mutation($id: ID!, $v: JSON!) { updateDeviceShadowDesired(deviceId: $id, desired: $v) }', { id: deviceId, v: { camera: { name: nul } } }, 'desired.camera.name'],
      ['mutation($v: String!) { createApiKey(input: {name: $v, role: VIEWER}) { secret } }', { v: 'half \ud800 a pair' }, 'input.name'],
      ['query($v: String!) { devices(filter: {tags: [{key: "site", value: $v}]}) { totalCount } }', { v: '\udc00' }, 'filter.tags.0.value'],
    ];
    for (const [query, variables, field] of cases) {
      expect([field, await answer(query, variables)]).toEqual([field, { code: 'VALIDATION_FAILED', field }]);
    }
  });
});
