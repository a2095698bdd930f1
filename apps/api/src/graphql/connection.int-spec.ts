import { PrismaService } from '@edgefleet/db';
import { encodeCursor } from '@edgefleet/domain';
import { gql, newOrganization, seedDevice, type GraphqlResponse, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

const JOBS = 'query($id: ID!, $after: String) { devicesJobs(deviceId: $id, first: 2, after: $after) { edges { cursor node { jobId } } pageInfo { hasNextPage endCursor } } }';
const DEVICES = 'query($after: String) { devices(first: 2, after: $after) { edges { node { name } } } }';

describe('connections (devices, devicesJobs)', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let deviceId: string;

  beforeAll(async () => {
    api = await startApi();
    org = await newOrganization(api);
    deviceId = (await seedDevice(api, org, { name: 'paged-cam' })).deviceId;
    const prisma = api.app.get(PrismaService);
    for (let n = 0; n < 3; n++) {
      await prisma.deviceJob.create({
        data: { jobId: `${deviceId}-${n}`, organizationId: org.organizationId, deviceId, jobType: 'REBOOT', createdAt: new Date(Date.UTC(2024, 4, 1, 10, n)) },
      });
    }
  });
  afterAll(() => api.app.close());

  const call = (query: string, variables: Record<string, unknown>) => gql(api.url, org.adminKey, query, variables);
  const refusal = (r: GraphqlResponse) => ({ code: r.errors?.[0]?.extensions?.code, reason: r.errors?.[0]?.extensions?.reason });

  it('pages devicesJobs newest first with cursors, like devices', async () => {
    const first = (await call(JOBS, { id: deviceId })).data!.devicesJobs;
    expect(first.edges.map((e: any) => e.node.jobId)).toEqual([`${deviceId}-2`, `${deviceId}-1`]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[1].cursor });
    const second = (await call(JOBS, { id: deviceId, after: first.pageInfo.endCursor })).data!.devicesJobs;
    expect(second.edges.map((e: any) => e.node.jobId)).toEqual([`${deviceId}-0`]);
    expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: second.edges[0].cursor });
  });

  it('refuses a cursor it did not issue as INVALID_CURSOR, even one that decodes', async () => {
    const forged = ['garbage', encodeCursor(['yesterday', 'x']), encodeCursor(['1', 'x']), encodeCursor(['2024-05-01T10:00:00.000Z'])];
    // A cursor of another sort order: its value is a name, not the creation time the default order needs.
    const byName = encodeCursor(['paged-cam', deviceId]);
    for (const after of forged) {
      expect([after, refusal(await call(JOBS, { id: deviceId, after }))]).toEqual([after, { code: 'VALIDATION_FAILED', reason: 'INVALID_CURSOR' }]);
    }
    for (const after of [...forged, byName]) {
      expect([after, refusal(await call(DEVICES, { after }))]).toEqual([after, { code: 'VALIDATION_FAILED', reason: 'INVALID_CURSOR' }]);
    }
  });
});
