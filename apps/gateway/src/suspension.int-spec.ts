import { newOrganization } from '@edgefleet/e2e-support';
import { InstallationService } from '@edgefleet/organizations';
import { MqttGateway } from './mqtt-gateway';
import { closed, connect, newBundle, provisionDevice, type RunningGateway, startGateway } from './test/gateway.harness';

describe('gateway: a suspended organization’s devices', () => {
  let gateways: RunningGateway[];
  beforeAll(async () => {
    const first = await startGateway();
    // A second gateway of the same fleet (same Redis prefix): suspension reaches sessions on every gateway.
    gateways = [first, await startGateway({ REDIS_PREFIX: first.config.REDIS_PREFIX })];
  });
  afterAll(() => Promise.all(gateways.map((gw) => gw.app.close())));

  const portOf = (gw: RunningGateway) => gw.app.get(MqttGateway).port;

  it('lose their live sessions on every gateway at once, are refused while it is suspended, and are welcome once it is resumed', async () => {
    const [gw, other] = gateways;
    const org = await newOrganization(gw);
    const bystanderOrg = await newOrganization(gw);
    const devices = await Promise.all(['suspended-cam', 'suspended-cam-2'].map(async (name) => {
      const b = await newBundle(gw, org.admin, name);
      return { b, creds: await provisionDevice(portOf(gw), b) };
    }));
    const bystander = await newBundle(gw, bystanderOrg.admin, 'bystander-cam');
    const bystanderCreds = await provisionDevice(portOf(gw), bystander);

    const live = [await connect(portOf(gw), devices[0].creds, { clientId: devices[0].b.deviceId }), await connect(portOf(other), devices[1].creds, { clientId: devices[1].b.deviceId })];
    const untouched = await connect(portOf(other), bystanderCreds, { clientId: bystander.deviceId });

    const orgs = gw.app.get(InstallationService, { strict: false });
    const suspendedAt = Date.now();
    await orgs.setSuspended(org.organizationId, true, 'test');
    await Promise.all(live.map(closed));
    expect(Date.now() - suspendedAt).toBeLessThan(5_000);
    expect(untouched.connected).toBe(true);

    for (const [i, port] of [portOf(gw), portOf(other)].entries()) {
      // For now, not for good: CONNACK 3 (server unavailable), so the device keeps trying.
      await expect(connect(port, devices[i].creds, { clientId: devices[i].b.deviceId })).rejects.toMatchObject({ code: 3 });
    }
    await orgs.setSuspended(org.organizationId, false, 'test');
    (await connect(portOf(other), devices[0].creds, { clientId: devices[0].b.deviceId })).end(true);
    untouched.end(true);
  });
});
