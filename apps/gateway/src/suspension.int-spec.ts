import { newOrganization } from '@edgefleet/e2e-support';
import { OrganizationService } from '@edgefleet/organizations';
import { MqttGateway } from './mqtt-gateway';
import { connect, newBundle, provisionDevice, startGateway } from './test/gateway.harness';

describe('gateway: a suspended organization’s devices', () => {
  it('are refused while it is suspended, and welcome again once it is resumed', async () => {
    const gw = await startGateway();
    try {
      const port = gw.app.get(MqttGateway).port;
      const org = await newOrganization(gw);
      const b = await newBundle(gw, org.admin, 'suspended-cam');
      const creds = await provisionDevice(port, b);
      (await connect(port, creds, { clientId: b.deviceId })).end(true);

      const orgs = gw.app.get(OrganizationService, { strict: false });
      await orgs.setSuspended(org.organizationId, true, 'test');
      await expect(connect(port, creds, { clientId: b.deviceId })).rejects.toThrow(/closed before CONNACK|ECONNRESET/);
      await orgs.setSuspended(org.organizationId, false, 'test');
      (await connect(port, creds, { clientId: b.deviceId })).end(true);
    } finally {
      await gw.app.close();
    }
  });
});
