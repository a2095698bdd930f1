import type { MqttClient } from 'mqtt';
import { PrismaService } from '@edgefleet/db';
import { ShadowDeviceApi } from '@edgefleet/shadows';
import { type TestOrganization, newOrganization } from '@edgefleet/e2e-support';
import { MqttGateway } from './mqtt-gateway';
import { type RunningGateway, closed, connect, newBundle, provisionDevice, request, startGateway } from './test/gateway.harness';

describe('gateway: Device Shadow service over real mTLS', () => {
  let gw: RunningGateway;
  let port: number;
  let prisma: PrismaService;
  let org: TestOrganization;
  const open: MqttClient[] = [];
  let n = 0;

  beforeAll(async () => {
    gw = await startGateway();
    port = gw.app.get(MqttGateway).port;
    prisma = gw.app.get(PrismaService);
    org = await newOrganization(gw);
  });
  afterEach(() => open.splice(0).forEach((c) => c.end(true)));
  afterAll(() => gw.app.close());

  async function newDevice() {
    const b = await newBundle(gw, org.admin, `shadow-${++n}`);
    const creds = await provisionDevice(port, b);
    const client = await connect(port, creds, { clientId: b.deviceId });
    open.push(client);
    return { id: b.deviceId, client, creds };
  }
  const sys = (id: string) => `$aws/things/${id}/shadow/name/system`;
  const report = {
    currentSoftware: '4.3.45',
    serialNumber: 'GFXMPL0013023708',
    networking: {
      ethernet0: { ipAddress: '192.168.0.1/24', connectionStatus: 'CONNECTED', hwAddress: '8C:XM:PL:60:C5:88' },
      ethernet1: { ipAddress: '--', connectionStatus: 'NOT_CONNECTED', hwAddress: '8C:XM:PL:60:C5:89' },
    },
    uptimeSeconds: 42,
  };

  it('answers the updating device on the topics it subscribed to (a wildcard too), and only those', async () => {
    const { id, client } = await newDevice();
    await client.subscribeAsync([`$aws/things/${id}/shadow/name/+/update/accepted`, `${sys(id)}/update/delta`]);
    const received: string[] = [];
    client.on('message', (t) => received.push(t));
    await client.publishAsync(`${sys(id)}/update`, JSON.stringify({ state: { reported: { uptimeSeconds: 1 }, desired: { uptimeSeconds: 2 } } }), { qos: 1 });
    await new Promise((r) => setTimeout(r, 1000));
    // accepted (through the wildcard) and delta; not documents, which it did not subscribe to.
    expect(received.sort()).toEqual([`${sys(id)}/update/accepted`, `${sys(id)}/update/delta`]);
  });

  it('accepts a system report, publishes documents, projects it into the device row, and serves get', async () => {
    const { id, client } = await newDevice();
    await client.subscribeAsync(`${sys(id)}/update/documents`);
    const documents = new Promise<any>((resolve) => client.on('message', (t, p) => t.endsWith('/documents') && resolve(JSON.parse(p.toString()))));
    const r = await request(client, `${sys(id)}/update`, JSON.stringify({ thingName: id, shadowName: 'system', state: { reported: report }, clientToken: 'c1' }));
    expect(r).toEqual({
      outcome: 'accepted',
      body: { state: { reported: report }, metadata: { reported: expect.objectContaining({ currentSoftware: { timestamp: expect.any(Number) } }) }, version: 1, timestamp: expect.any(Number), clientToken: 'c1' },
    });
    expect(await documents).toMatchObject({ previous: null, current: { state: { reported: report }, version: 1 } });
    const d = await prisma.device.findUniqueOrThrow({ where: { deviceId: id } });
    expect(d).toMatchObject({ currentSoftware: '4.3.45', serialNumber: 'GFXMPL0013023708', systemShadowVersion: 1 });
    expect(d.currentNetworkingStatus).toMatchObject({ ethernet0Status: report.networking.ethernet0, ethernet1Status: report.networking.ethernet1 });

    const got = await request(client, `${sys(id)}/get`, JSON.stringify({ clientToken: 'g1' }));
    expect(got.body).toMatchObject({ state: { reported: report }, version: 1, clientToken: 'g1' });
    expect(JSON.stringify(got.body)).not.toContain('thingName');
  });

  it('publishes the delta when desired differs from reported; null deletes a key', async () => {
    const { id, client } = await newDevice();
    await request(client, `${sys(id)}/update`, JSON.stringify({ state: { reported: { currentSoftware: '4.3.45', uptimeSeconds: 1 } } }));
    await client.subscribeAsync(`${sys(id)}/update/delta`);
    const delta = new Promise<any>((resolve) => client.on('message', (t, p) => t.endsWith('/delta') && resolve(JSON.parse(p.toString()))));
    await request(client, `${sys(id)}/update`, JSON.stringify({ state: { desired: { currentSoftware: '4.3.55' } } }));
    expect(await delta).toMatchObject({ state: { currentSoftware: '4.3.55' }, version: 2 });
    const removed = await request(client, `${sys(id)}/update`, JSON.stringify({ state: { reported: { uptimeSeconds: null } } }));
    expect(removed.outcome).toBe('accepted');
    const got = await request(client, `${sys(id)}/get`, '');
    expect(got.body.state).toEqual({ desired: { currentSoftware: '4.3.55' }, reported: { currentSoftware: '4.3.45' }, delta: { currentSoftware: '4.3.55' } });
  });

  it('rejects bad updates with AWS codes and changes neither the shadow nor the device', async () => {
    const { id, client } = await newDevice();
    await request(client, `${sys(id)}/update`, JSON.stringify({ state: { reported: report } }));
    const before = {
      shadow: await prisma.shadow.findUniqueOrThrow({ where: { deviceId_name: { deviceId: id, name: 'system' } } }),
      device: await prisma.device.findUniqueOrThrow({ where: { deviceId: id } }),
    };
    const cases: [string, string | Buffer, number][] = [
      [`${sys(id)}/update`, '{nope', 400],
      [`${sys(id)}/update`, JSON.stringify({ version: 1 }), 400],
      [`${sys(id)}/update`, JSON.stringify({ state: 'on' }), 400],
      [`${sys(id)}/update`, JSON.stringify({ state: { reported: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } } }), 400],
      [`${sys(id)}/update`, JSON.stringify({ state: { reported: { currentSoftware: 'abc' } } }), 400],
      [`${sys(id)}/update`, JSON.stringify({ state: { reported: { uptimeSeconds: 1 } }, version: 'x' }), 400],
      [`${sys(id)}/update`, JSON.stringify({ state: { reported: { uptimeSeconds: 1 } }, version: 0 }), 409],
      [`${sys(id)}/update`, JSON.stringify({ state: { reported: { blob: 'x'.repeat(9000) } } }), 413],
      [`${sys(id)}/update`, JSON.stringify({ thingName: 'device-someoneelse', state: { reported: { uptimeSeconds: 1 } } }), 400],
      [`$aws/things/${id}/shadow/name/nothing-here/get`, '{}', 404],
    ];
    for (const [topic, payload, code] of cases) {
      const r = await request(client, topic, payload);
      expect({ payload: String(payload).slice(0, 50), outcome: r.outcome, code: r.body.code }).toEqual({ payload: String(payload).slice(0, 50), outcome: 'rejected', code });
      expect(r.body.message).toEqual(expect.any(String));
    }
    expect(await prisma.shadow.findUniqueOrThrow({ where: { deviceId_name: { deviceId: id, name: 'system' } } })).toEqual(before.shadow);
    expect(await prisma.device.findUniqueOrThrow({ where: { deviceId: id } })).toEqual(before.device);
  });

  it('never moves a device back for a report older than the one projected', async () => {
    const { id, client } = await newDevice();
    await prisma.device.update({ where: { deviceId: id }, data: { systemShadowVersion: 10, currentSoftware: '5.0.0' } });
    const r = await request(client, `${sys(id)}/update`, JSON.stringify({ state: { reported: { currentSoftware: '4.0.0' } } }));
    expect(r.outcome).toBe('accepted');
    expect((await prisma.device.findUniqueOrThrow({ where: { deviceId: id } })).currentSoftware).toBe('5.0.0');
  });

  it("classic shadows and delete work; another thing's shadow is out of reach", async () => {
    const { id, client, creds } = await newDevice();
    const classic = `$aws/things/${id}/shadow`;
    expect((await request(client, `${classic}/update`, JSON.stringify({ state: { reported: { a: 1 } } }))).outcome).toBe('accepted');
    expect((await request(client, `${classic}/delete`, '{}')).body).toMatchObject({ version: 1 });
    expect((await request(client, `${classic}/get`, '{}')).body.code).toBe(404);
    // The version survives the delete, as in AWS IoT (SDKs drop replies with older versions).
    const again = await request(client, `${classic}/update`, JSON.stringify({ state: { reported: { b: 2 } } }));
    expect(again.body).toMatchObject({ state: { reported: { b: 2 } }, version: 2 });
    expect((await request(client, `${classic}/get`, '{}')).body.state).toEqual({ reported: { b: 2 } });
    const other = await newDevice();
    const c = await connect(port, creds, { clientId: id });
    c.publish(`$aws/things/${other.id}/shadow/update`, JSON.stringify({ state: { reported: { a: 1 } } }), { qos: 1 });
    await closed(c);
    expect(await prisma.shadow.count({ where: { deviceId: other.id } })).toBe(0);
  });

  it('concurrent updates apply one after the other, none lost (also when they create the shadow)', async () => {
    const { id } = await newDevice();
    const shadows = gw.app.get(ShadowDeviceApi, { strict: false });
    await Promise.all(Array.from({ length: 8 }, (_, i) => shadows.update(id, 'race', { state: { reported: { [`k${i}`]: i } } })));
    const doc = (await shadows.get(id, 'race')) as { version: number; state: { reported: object } };
    expect(doc.version).toBe(8);
    expect(Object.keys(doc.state.reported).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7']);
  });
});
