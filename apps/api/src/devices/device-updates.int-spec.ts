import { PrismaService } from '@edgefleet/db';
import { DeviceEventsPublisher } from '@edgefleet/devices';
import { collect, newKey, newOrganization, seedDevice, subscriptionClient } from '@edgefleet/e2e-support';
import { ApiKeyService } from '@edgefleet/organizations';
import { type RunningApi, startApi } from '../test/start-api';

const SUBSCRIPTION = 'subscription($id: ID) { deviceUpdated(deviceId: $id) { deviceId deviceConnectionStatus currentSoftware } }';

describe('deviceUpdated subscription (graphql-ws)', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.app.close());

  it("delivers changes of the organization's devices, and only those", async () => {
    const prisma = api.app.get(PrismaService);
    const events = api.app.get(DeviceEventsPublisher);
    const [a, b] = [await newOrganization(api), await newOrganization(api)];
    const [mine, other, theirs] = [await seedDevice(api, a), await seedDevice(api, a), await seedDevice(api, b)];

    const clientA = subscriptionClient(api.url, a.adminKey);
    const clientB = subscriptionClient(api.url, b.adminKey);
    const all = collect(clientA, SUBSCRIPTION, {}, 2);
    const one = collect(clientA, SUBSCRIPTION, { id: mine.deviceId }, 1);
    const foreign = collect(clientB, SUBSCRIPTION, {}, 1, 2500);
    await new Promise((r) => setTimeout(r, 500)); // subscriptions established

    await prisma.device.update({ where: { deviceId: mine.deviceId }, data: { deviceConnectionStatus: 'ONLINE', currentSoftware: '4.3.55' } });
    await events.updated([mine.deviceId]);
    await events.updated([other.deviceId]);

    expect((await one).events.map((e) => e.data.deviceUpdated)).toEqual([{ deviceId: mine.deviceId, deviceConnectionStatus: 'ONLINE', currentSoftware: '4.3.55' }]);
    expect((await all).events.map((e) => e.data.deviceUpdated.deviceId).sort()).toEqual([mine.deviceId, other.deviceId].sort());
    expect((await foreign).events).toEqual([]);
    expect(theirs.deviceId).toBeDefined();
    await Promise.all([clientA.dispose(), clientB.dispose()]);
  });

  it('refuses a connection without a valid key', async () => {
    const client = subscriptionClient(api.url, 'efk_not-a-key');
    const r = await collect(client, SUBSCRIPTION, {}, 1, 3000);
    expect(r.events).toEqual([]);
    expect(r.error).toBeDefined();
    await client.dispose();
  });

  it('ends a subscription whose key is revoked', async () => {
    const org = await newOrganization(api);
    const device = await seedDevice(api, org);
    const key = await newKey(api, org, 'VIEWER');
    const client = subscriptionClient(api.url, key);
    const heard = collect(client, SUBSCRIPTION, {}, 1, 3000);
    await new Promise((r) => setTimeout(r, 500));
    const keys = await api.app.get(ApiKeyService).list(org.admin);
    await api.app.get(ApiKeyService).revoke(org.admin, keys.find((k) => k.role === 'VIEWER')!.id);
    await api.app.get(DeviceEventsPublisher).updated([device.deviceId]);
    expect((await heard).events).toEqual([]);
    await client.dispose();
  });
});
