import { PrismaService } from '@edgefleet/db';
import { codeOf, gql, newOrganization, seedDevice, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

const DEVICE_FIELDS = `deviceId arn name description provisioningStatus deviceConnectionStatus deviceAggregatedStatus
  currentSoftware latestSoftware tags { key value } createdTime lastUpdatedTime type brand`;

describe('device registry over GraphQL', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let prisma: PrismaService;

  beforeAll(async () => {
    api = await startApi();
    prisma = api.app.get(PrismaService);
    org = await newOrganization(api);
  });
  afterAll(() => api.app.close());

  const call = (query: string, variables?: Record<string, unknown>) => gql(api.url, org.adminKey, query, variables);

  it('lists devices page by page with a total, in a stable order', async () => {
    const names = ['cam-a', 'cam-b', 'cam-c', 'cam-d', 'cam-e'];
    for (const name of names) await seedDevice(api, org, { name });
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r = await call(
        `query($after: String) { devices(first: 2, after: $after, orderBy: {field: NAME, order: ASCENDING}) {
          totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.devices.totalCount).toBe(5);
      seen.push(...r.data!.devices.edges.map((e: any) => e.node.name));
      if (!r.data!.devices.pageInfo.hasNextPage) break;
      after = r.data!.devices.pageInfo.endCursor;
    }
    expect(seen).toEqual(names);

    const desc = await call(`{ devices(first: 3, orderBy: {field: NAME, order: DESCENDING}) { edges { node { name } } } }`);
    expect(desc.data!.devices.edges.map((e: any) => e.node.name)).toEqual(['cam-e', 'cam-d', 'cam-c']);
  });

  it('filters by name, tags, statuses and aggregated status', async () => {
    const tagged = await seedDevice(api, org, { name: 'lobby-1', tags: [{ key: 'site', value: 'hq' }, { key: 'floor' }] });
    await seedDevice(api, org, { name: 'lobby-2', tags: [{ key: 'site', value: 'branch' }] });
    const online = await seedDevice(api, org, { name: 'dock-1' });
    await prisma.device.update({
      where: { deviceId: online.deviceId },
      data: { provisioningStatus: 'SUCCEEDED', deviceConnectionStatus: 'ONLINE', currentSoftware: '4.3.45' },
    });

    const names = async (filter: object) => {
      const r = await call(`query($f: DeviceFilterInput) { devices(first: 50, filter: $f) { totalCount edges { node { name } } } }`, { f: filter });
      expect(r.errors).toBeUndefined();
      expect(r.data!.devices.totalCount).toBe(r.data!.devices.edges.length);
      return r.data!.devices.edges.map((e: any) => e.node.name).sort();
    };
    expect(await names({ nameContains: 'LOBBY' })).toEqual(['lobby-1', 'lobby-2']);
    expect(await names({ tags: [{ key: 'site', value: 'hq' }] })).toEqual(['lobby-1']);
    expect(await names({ tags: [{ key: 'site' }] })).toEqual(['lobby-1', 'lobby-2']);
    expect(await names({ tags: [{ key: 'site' }, { key: 'floor' }] })).toEqual(['lobby-1']);
    expect(await names({ provisioningStatus: 'SUCCEEDED' })).toEqual(['dock-1']);
    expect(await names({ deviceConnectionStatus: 'ONLINE' })).toEqual(['dock-1']);
    expect(await names({ deviceAggregatedStatus: 'ONLINE' })).toEqual(['dock-1']);
    expect(await names({ nameContains: '%' })).toEqual([]);

    // A newer image makes the online device UPDATE_NEEDED.
    await prisma.softwareImage.create({ data: { organizationId: org.organizationId, version: '4.3.55', sha256: 'a'.repeat(64), size: 1, uploadedAt: new Date() } });
    expect(await names({ deviceAggregatedStatus: 'UPDATE_NEEDED' })).toEqual(['dock-1']);
    const d = await call(`query($id: ID!) { device(deviceId: $id) { ${DEVICE_FIELDS} } }`, { id: online.deviceId });
    expect(d.data!.device).toMatchObject({ latestSoftware: '4.3.55', currentSoftware: '4.3.45', deviceAggregatedStatus: 'UPDATE_NEEDED' });

    const t = await call(`query($id: ID!) { device(deviceId: $id) { tags { key value } } }`, { id: tagged.deviceId });
    expect(t.data!.device.tags).toEqual([{ key: 'site', value: 'hq' }, { key: 'floor', value: '' }]);
  });

  it('describes a device with Panorama fields', async () => {
    const device = await seedDevice(api, org, { name: 'describe-me', description: 'north gate' });
    const r = await call(`query($id: ID!) { device(deviceId: $id) { ${DEVICE_FIELDS} } }`, { id: device.deviceId });
    expect(r.data!.device).toMatchObject({
      deviceId: expect.stringMatching(/^device-[a-z2-7]{26}$/),
      arn: expect.stringMatching(new RegExp(`^arn:aws:panorama:local:\\d{12}:device/${device.deviceId}$`)),
      name: 'describe-me',
      description: 'north gate',
      provisioningStatus: 'AWAITING_PROVISIONING',
      deviceConnectionStatus: 'AWAITING_CREDENTIALS',
      deviceAggregatedStatus: 'AWAITING_PROVISIONING',
      type: 'PANORAMA_APPLIANCE',
      createdTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('updates metadata, tags and untags, each audited', async () => {
    const device = await seedDevice(api, org, { name: 'meta' });
    const u = await call(`mutation($id: ID!) { updateDeviceMetadata(deviceId: $id, description: "moved to dock") { description } }`, {
      id: device.deviceId,
    });
    expect(u.data!.updateDeviceMetadata.description).toBe('moved to dock');

    const { data } = await call(`query($id: ID!) { device(deviceId: $id) { arn } }`, { id: device.deviceId });
    const arn = data!.device.arn;
    const tagged = await call(`mutation($arn: String!) { tagResource(resourceArn: $arn, tags: [{key: "zone", value: "a"}, {key: "x"}]) { key value } }`, { arn });
    expect(tagged.data!.tagResource).toEqual([{ key: 'zone', value: 'a' }, { key: 'x', value: '' }]);
    const untagged = await call(`mutation($arn: String!) { untagResource(resourceArn: $arn, tagKeys: ["x"]) { key value } }`, { arn });
    expect(untagged.data!.untagResource).toEqual([{ key: 'zone', value: 'a' }]);

    const audit = await call(`query($id: String) { auditEvents(first: 10, targetId: $id) { action actor } }`, { id: device.deviceId });
    expect(audit.data!.auditEvents.map((e: any) => e.action)).toEqual(['device.untag', 'device.tag', 'device.updateMetadata', 'device.create']);
    expect(audit.data!.auditEvents[0].actor).toBe(`apiKey:${org.admin.apiKeyId}`);
  });

  it('refuses bad input with a specific code and changes nothing', async () => {
    const device = await seedDevice(api, org, { name: 'strict', description: 'unchanged' });
    const before = await prisma.device.findUniqueOrThrow({ where: { deviceId: device.deviceId } });
    const arn = `arn:aws:panorama:local:000000000000:device/${device.deviceId}`;
    const cases: [string, Record<string, unknown>, string][] = [
      [`mutation($id: ID!) { updateDeviceMetadata(deviceId: $id, description: "${'d'.repeat(256)}") { name } }`, { id: device.deviceId }, 'VALIDATION_FAILED'],
      [`mutation { updateDeviceMetadata(deviceId: "device-nope", description: "x") { name } }`, {}, 'NOT_FOUND'],
      [`mutation($arn: String!) { tagResource(resourceArn: $arn, tags: [{key: "aws:reserved"}]) { key } }`, { arn }, 'VALIDATION_FAILED'],
      [`mutation { tagResource(resourceArn: "not-an-arn", tags: [{key: "k"}]) { key } }`, {}, 'VALIDATION_FAILED'],
      [`mutation($arn: String!, $tags: [TagInput!]!) { tagResource(resourceArn: $arn, tags: $tags) { key } }`, { arn, tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}` })) }, 'QUOTA_EXCEEDED'],
      [`{ devices(first: 0) { totalCount } }`, {}, 'VALIDATION_FAILED'],
      [`{ devices(first: 10, after: "garbage") { totalCount } }`, {}, 'VALIDATION_FAILED'],
      [`{ devices(first: 10, filter: {provisioningStatus: SUCCEEDE}) { totalCount } }`, {}, 'VALIDATION_FAILED'],
      [`{ device(deviceId: "device-aaaaaaaaaaaaaaaaaaaaaaaaaa") { name } }`, {}, 'NOT_FOUND'],
    ];
    for (const [query, variables, code] of cases) {
      const r = await call(query, variables);
      expect({ query: query.slice(0, 60), code: codeOf(r), message: r.errors?.[0]?.message }).toEqual({
        query: query.slice(0, 60),
        code,
        message: expect.any(String),
      });
    }
    expect(await prisma.device.findUniqueOrThrow({ where: { deviceId: device.deviceId } })).toEqual(before);
  });

  it('deleteDevice moves the device to DELETING with an event row and an outbox message', async () => {
    const device = await seedDevice(api, org, { name: 'to-delete' });
    const r = await call(`mutation($id: ID!) { deleteDevice(deviceId: $id) { provisioningStatus deviceAggregatedStatus } }`, { id: device.deviceId });
    expect(r.data!.deleteDevice).toEqual({ provisioningStatus: 'DELETING', deviceAggregatedStatus: 'DELETING' });
    const events = await prisma.deviceEvent.findMany({ where: { deviceId: device.deviceId }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.from, e.to])).toEqual([
      [null, 'AWAITING_PROVISIONING'],
      ['AWAITING_PROVISIONING', 'DELETING'],
    ]);
    expect(await prisma.outboxMessage.count({ where: { idempotencyKey: `purge-device-${device.deviceId}` } })).toBe(1);

    const again = await call(`mutation($id: ID!) { deleteDevice(deviceId: $id) { name } }`, { id: device.deviceId });
    expect(codeOf(again)).toBe('CONFLICT');
    const update = await call(`mutation($id: ID!) { updateDeviceMetadata(deviceId: $id, description: "x") { name } }`, { id: device.deviceId });
    expect(codeOf(update)).toBe('CONFLICT');
  });
});
