import mqttPacket from 'mqtt-packet';
import type { MqttClient } from 'mqtt';
import { PrismaService } from '@edgefleet/db';
import { type TestOrganization, newOrganization } from '@edgefleet/e2e-support';
import { DeviceIdentities } from '@edgefleet/iot';
import { MqttGateway } from './mqtt-gateway';
import { type RunningGateway, type TestBundle, closed, connect, newBundle, provisionDevice, rawTls, request, startGateway } from './test/gateway.harness';

/** What a device can send, and how fast: packet sizes, retained messages, revoked certificates, deep JSON, shadow names, request rates. */
jest.setTimeout(20_000);

const KiB = 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const connectPacket = (clientId: string) => mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, clean: true, keepalive: 30 });
/** An MQTT fixed header announcing `remaining` bytes (the rest of the packet never sent). */
function fixedHeader(first: number, remaining: number): Buffer {
  const bytes = [first];
  do {
    bytes.push((remaining % 128) | (remaining >= 128 ? 0x80 : 0));
    remaining = Math.floor(remaining / 128);
  } while (remaining > 0);
  return Buffer.from(bytes);
}

/** Publishes `count` requests at once and collects every reply on `<topic>/accepted` and `/rejected`. */
async function burst(client: MqttClient, topic: string, payloads: string[]): Promise<{ outcome: string; body: any }[]> {
  await client.subscribeAsync([`${topic}/accepted`, `${topic}/rejected`], { qos: 1 });
  const replies: { outcome: string; body: any }[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${replies.length} of ${payloads.length} replies on ${topic}`)), 5000);
    client.on('message', (t, p) => {
      if (t !== `${topic}/accepted` && t !== `${topic}/rejected`) return;
      replies.push({ outcome: t.slice(topic.length + 1), body: JSON.parse(p.toString()) });
      if (replies.length === payloads.length) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  for (const payload of payloads) client.publish(topic, payload, { qos: 0 });
  await done;
  return replies;
}

describe('gateway: limits over real mTLS', () => {
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

  async function newDevice(on: RunningGateway = gw) {
    const b = await newBundle(on, org.admin, `limits-${++n}`);
    const gatewayPort = on.app.get(MqttGateway).port;
    const creds = await provisionDevice(gatewayPort, b);
    const client = await connect(gatewayPort, creds, { clientId: b.deviceId });
    open.push(client);
    return { id: b.deviceId, client, creds, bundle: b };
  }
  const online = async (creds: { cert: string; key: string; ca: string }, id: string) => {
    const client = await connect(port, creds, { clientId: id });
    open.push(client);
    return client;
  };
  const broker = () => (gw.app.get(MqttGateway) as unknown as { broker: { subscribe: (topic: string, fn: (packet: { payload: Buffer }, cb: () => void) => void, done: () => void) => void } }).broker;

  describe('MQTT_MAX_PACKET_BYTES (256 KiB)', () => {
    it('closes the connection of a publish over the limit: no PUBACK, nothing routed', async () => {
      const { id, client } = await newDevice();
      const routed: number[] = [];
      await new Promise<void>((r) => broker().subscribe(`edgefleet/things/${id}/telemetry`, (packet, cb) => (routed.push(packet.payload.length), cb()), r));
      await client.publishAsync(`edgefleet/things/${id}/telemetry`, Buffer.alloc(200 * KiB), { qos: 1 });
      let acked = false;
      client.publish(`edgefleet/things/${id}/telemetry`, Buffer.alloc(300 * KiB), { qos: 1 }, (err) => (acked = !err));
      await closed(client);
      await sleep(300);
      expect({ acked, routed }).toEqual({ acked: false, routed: [200 * KiB] });
    });

    it('closes a connection whose CONNECT announces more, after its first bytes and before authentication (no CONNACK)', async () => {
      const { creds } = await newDevice();
      const raw = await rawTls(port, creds);
      const started = Date.now();
      raw.socket.write(Buffer.concat([fixedHeader(0x10, 48 * KiB * KiB), Buffer.alloc(KiB)]));
      await raw.closed;
      expect(Date.now() - started).toBeLessThan(2000);
      expect(raw.received()).toEqual(Buffer.alloc(0));
    });

    it('closes a real client whose CONNECT is over the limit, before anything in it is checked', async () => {
      const { creds } = await newDevice();
      // MQTT 3.1.1 caps each CONNECT field at 64 KiB; five nearly full ones make 300 KB.
      const field = 'x'.repeat(60_000);
      const big = { clientId: field, username: field, password: Buffer.from(field), will: { topic: field, payload: Buffer.from(field), qos: 0 as const, retain: false } };
      await expect(connect(port, creds, big)).rejects.toThrow(/closed before CONNACK|ECONNRESET|EPIPE/);
    });
  });

  it('keeps retained messages only on the device’s own edgefleet/things topics, up to MQTT_MAX_RETAINED_BYTES (8 KiB)', async () => {
    const { id, client, creds } = await newDevice();
    await client.publishAsync(`edgefleet/things/${id}/config`, '{"mode":"a"}', { qos: 1, retain: true });
    for (const [topic, payload] of [
      [`$aws/things/${id}/shadow/name/retained/get`, '{}'],
      [`edgefleet/things/${id}/big`, 'x'.repeat(9 * KiB)],
    ]) {
      const c = await online(creds, id);
      c.publish(topic, payload, { qos: 1, retain: true });
      await closed(c);
    }
    const c = await online(creds, id);
    const retained: string[] = [];
    c.on('message', (t, _p, packet) => packet.retain && retained.push(t));
    await c.subscribeAsync([`edgefleet/things/${id}/#`, `$aws/things/${id}/#`], { qos: 1 });
    await sleep(500);
    expect(retained).toEqual([`edgefleet/things/${id}/config`]);
  });

  it('closes a revoked device certificate as soon as TLS completes, with nothing but a CONNACK 5 of its own', async () => {
    const { id, client, creds } = await newDevice();
    await gw.app.get(DeviceIdentities, { strict: false }).decommissionThing(id);
    await closed(client);
    const raw = await rawTls(port, creds);
    raw.socket.write(connectPacket(id));
    await raw.closed;
    // CONNACK, return code 5 (not authorized): aedes never saw the connection.
    expect(raw.received()).toEqual(Buffer.from([0x20, 0x02, 0x00, 0x05]));
  });

  it('answers a shadow update of 20,000 nested objects with 400', async () => {
    const { id, client } = await newDevice();
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const r = await request(client, `$aws/things/${id}/shadow/name/system/update`, `{"state":{"reported":${deep}}}`);
    expect(r).toEqual({ outcome: 'rejected', body: { code: 400, message: 'state: JSON contains too many levels of nesting; maximum is 6', timestamp: expect.any(Number) } });
  });

  it('validates shadow names as the API does: 1 to 64 of a-z, A-Z, 0-9, :, _ and -', async () => {
    const { id, client } = await newDevice();
    const update = (name: string) => request(client, `$aws/things/${id}/shadow/name/${name}/update`, JSON.stringify({ state: { reported: { a: 1 } } }));
    for (const name of ['x'.repeat(65), 'x'.repeat(200), 'x'.repeat(3000)]) {
      expect(await update(name)).toEqual({ outcome: 'rejected', body: { code: 400, message: `shadowName: must be 1 to 64 of a-z, A-Z, 0-9, :, _ and - (got ${name.length} characters).`, timestamp: expect.any(Number) } });
    }
    expect((await update('x'.repeat(64))).outcome).toBe('accepted');
    expect(await prisma.shadow.findMany({ where: { deviceId: id }, select: { name: true } })).toEqual([{ name: 'x'.repeat(64) }]);
  });

  describe('DEVICE_REQUESTS_PER_SECOND, per thing', () => {
    let slow: RunningGateway;
    beforeAll(async () => {
      slow = await startGateway({ DEVICE_REQUESTS_PER_SECOND: '1', DEVICE_REQUEST_BURST: '5' });
    });
    afterAll(() => slow.app.close());

    it("answers requests over the rate with each service's 429, and serves the thing again once it slows down", async () => {
      const { id, client } = await newDevice(slow);
      await sleep(2000); // the claim's requests were the same thing's
      const tokens = (count: number) => Array.from({ length: count }, (_, i) => JSON.stringify({ clientToken: `t${i}` }));
      const shadow = await burst(client, `$aws/things/${id}/shadow/name/system/get`, tokens(10));
      const throttled = shadow.filter((r) => r.body.code === 429);
      expect(throttled.length).toBeGreaterThanOrEqual(4);
      expect(throttled[0].body).toEqual({ code: 429, message: expect.stringMatching(/^Too Many Requests/), timestamp: expect.any(Number), clientToken: expect.stringMatching(/^t\d$/) });
      const jobs = await burst(client, `$aws/things/${id}/jobs/get`, tokens(3));
      expect(jobs.map((r) => r.body.code)).toContain('RequestThrottled');
      await sleep(1100);
      expect((await request(client, `$aws/things/${id}/jobs/get`, '{}')).outcome).toBe('accepted');
    });

    it('throttles claims too (fleet provisioning answers Throttling)', async () => {
      const b: TestBundle = await newBundle(slow, org.admin, `limits-${++n}`);
      const claim = await connect(slow.app.get(MqttGateway).port, { cert: b.cert, key: b.key, ca: b.ca }, { clientId: b.deviceId });
      open.push(claim);
      const replies = await burst(claim, '$aws/certificates/create-from-csr/json', Array.from({ length: 10 }, () => JSON.stringify({ certificateSigningRequest: 'garbage' })));
      expect(replies.filter((r) => r.body.errorCode === 'Throttling').length).toBeGreaterThanOrEqual(4);
      expect(replies.find((r) => r.body.errorCode === 'Throttling')?.body).toEqual({ statusCode: 429, errorCode: 'Throttling', errorMessage: expect.stringMatching(/^Too Many Requests/) });
    });
  });
});
