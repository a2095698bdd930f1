import { strFromU8, unzipSync } from 'fflate';
import { PrismaService } from '@edgefleet/db';
import { type TestOrganization, codeOf, gql, newOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

const PROVISION = `mutation($input: ProvisionDeviceInput!) { provisionDevice(input: $input) { deviceId arn status iotThingName certificates expiresAt } }`;

describe('provisionDevice over GraphQL', () => {
  let api: RunningApi;
  let prisma: PrismaService;
  let org: TestOrganization;

  beforeAll(async () => {
    api = await startApi();
    prisma = api.app.get(PrismaService);
    org = await newOrganization(api, { devices: 3 });
  });
  afterAll(() => api.app.close());

  it('registers the device and returns a 5-minute bundle that is never stored', async () => {
    const input = {
      name: 'front-door',
      description: 'north gate',
      tags: [{ key: 'site', value: 'hq' }],
      networkingConfiguration: {
        ethernet0: { connectionType: 'STATIC_IP', staticIpConnectionInfo: { ipAddress: '192.168.0.10', mask: '255.255.255.0', defaultGateway: '192.168.0.1', dns: ['192.168.0.1'] } },
        ethernet1: { connectionType: 'DHCP' },
        ntp: { ntpServers: ['pool.ntp.org'] },
      },
    };
    const r = await gql(api.url, org.adminKey, PROVISION, { input });
    expect(r.errors).toBeUndefined();
    const out = r.data!.provisionDevice;
    expect(out).toMatchObject({ status: 'AWAITING_PROVISIONING', iotThingName: out.deviceId, deviceId: expect.stringMatching(/^device-[a-z2-7]{26}$/) });
    const ttl = Date.parse(out.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(280_000);
    expect(ttl).toBeLessThanOrEqual(300_000);

    const files = unzipSync(Buffer.from(out.certificates, 'base64'));
    expect(Object.keys(files).sort()).toEqual(['certificates/claim.pem.crt', 'certificates/claim.pem.key', 'certificates/root-ca.pem', 'config.json']);
    const config = JSON.parse(strFromU8(files['config.json']));
    expect(config).toMatchObject({ thingName: out.deviceId, deviceName: 'front-door', provisioningTemplate: 'edgefleet-fleet-provisioning', networking: input.networkingConfiguration });
    // A Lenovo appliance says so; the default is AWS_PANORAMA.
    const lenovo = await gql(api.url, org.adminKey, 'mutation { provisionDevice(input: {name: "thinkedge", brand: LENOVO}) { deviceId } }');
    expect((await gql(api.url, org.adminKey, 'query($id: ID!) { device(deviceId: $id) { brand } }', { id: lenovo.data!.provisionDevice.deviceId })).data!.device.brand).toBe('LENOVO');
    expect((await gql(api.url, org.adminKey, 'query($id: ID!) { device(deviceId: $id) { brand } }', { id: out.deviceId })).data!.device.brand).toBe('AWS_PANORAMA');
    // The settings round-trip: the device's networkingConfiguration is what was asked for.
    const described = await gql(api.url, org.adminKey, 'query($id: ID!) { device(deviceId: $id) { networkingConfiguration { ethernet0 { connectionType staticIpConnectionInfo { ipAddress mask defaultGateway dns } } ethernet1 { connectionType } ntp { ntpServers } } } }', { id: out.deviceId });
    expect(described.data!.device.networkingConfiguration).toEqual({ ...input.networkingConfiguration, ethernet1: { connectionType: 'DHCP' } });
    const key = strFromU8(files['certificates/claim.pem.key']);
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    // The claim's key exists only in the answer.
    const stored = JSON.stringify(await prisma.certificate.findMany({ where: { deviceId: out.deviceId } }));
    expect(stored).not.toContain(key.split('\n')[1]);
    const device = await gql(api.url, org.adminKey, `query($id: ID!) { device(deviceId: $id) { name description provisioningStatus tags { key value } } }`, { id: out.deviceId });
    expect(device.data!.device).toEqual({ name: 'front-door', description: 'north gate', provisioningStatus: 'AWAITING_PROVISIONING', tags: [{ key: 'site', value: 'hq' }] });
  });

  it('refuses bad input precisely and creates nothing', async () => {
    const before = await prisma.device.count({ where: { organizationId: org.organizationId } });
    const cases: [object, string, RegExp][] = [
      [{ name: 'bad name!' }, 'VALIDATION_FAILED', /name/],
      [{ name: 'front-door' }, 'CONFLICT', /exists already/],
      [{ name: 'x', networkingConfiguration: { ethernet0: { connectionType: 'STATIC_IP' } } }, 'VALIDATION_FAILED', /networkingConfiguration.ethernet0/],
      [{ name: 'x', networkingConfiguration: { ethernet0: { connectionType: 'STATIC_IP', staticIpConnectionInfo: { ipAddress: '300.1', mask: '255.255.255.0', defaultGateway: '1.1.1.1', dns: ['1.1.1.1'] } } } }, 'VALIDATION_FAILED', /ipAddress/],
      [{ name: 'x', networkingConfiguration: { ethernet0: { connectionType: 'wifi' } } }, 'VALIDATION_FAILED', /wifi/],
    ];
    for (const [input, code, message] of cases) {
      const r = await gql(api.url, org.adminKey, PROVISION, { input });
      expect([codeOf(r), r.errors?.[0].message]).toEqual([code, expect.stringMatching(message)]);
    }
    expect(await prisma.device.count({ where: { organizationId: org.organizationId } })).toBe(before);
  });

  it("enforces the organization's device quota", async () => {
    const small = await newOrganization(api, { devices: 1 });
    expect(codeOf(await gql(api.url, small.adminKey, PROVISION, { input: { name: 'one' } }))).toBeUndefined();
    const r = await gql(api.url, small.adminKey, PROVISION, { input: { name: 'two' } });
    expect(codeOf(r)).toBe('QUOTA_EXCEEDED');
    expect(await prisma.device.count({ where: { organizationId: small.organizationId } })).toBe(1);
  });
});
