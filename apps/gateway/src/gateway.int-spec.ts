import { X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { MqttClient } from 'mqtt';
import { PrismaService } from '@edgefleet/db';
import { type TestOrganization, eventually, newOrganization } from '@edgefleet/e2e-support';
import { DeviceIdentities } from '@edgefleet/iot';
import { CertificateAuthority, createCsr, generateKeyPair } from '@edgefleet/pki';
import { DeviceRegistration } from '@edgefleet/devices';
import { MqttGateway } from './mqtt-gateway';
import { type RunningGateway, type TestBundle, closed, connect, newBundle, provisionDevice, request, startGateway } from './test/gateway.harness';

const CSR_TOPIC = '$aws/certificates/create-from-csr/json';
const KEYS_TOPIC = '$aws/certificates/create/json';
const REGISTER = (template: string) => `$aws/provisioning-templates/${template}/provision/json`;

describe('gateway: fleet provisioning and authorization over real mTLS', () => {
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
  afterEach(() => {
    for (const c of open.splice(0)) c.end(true);
  });
  afterAll(() => gw.app.close());

  const bundle = () => newBundle(gw, org.admin, `gw-device-${++n}`);
  const claimClient = async (b: TestBundle) => {
    const c = await connect(port, { cert: b.cert, key: b.key, ca: b.ca }, { clientId: b.deviceId });
    open.push(c);
    return c;
  };
  const device = (id: string) => prisma.device.findUniqueOrThrow({ where: { deviceId: id } });

  const provision = async (b: TestBundle) => {
    const creds = await provisionDevice(port, b);
    expect(await device(b.deviceId)).toMatchObject({ provisioningStatus: 'SUCCEEDED' });
    return creds;
  };

  it('provisions by CSR: PENDING, then SUCCEEDED; the device connects with its own certificate and goes ONLINE, then OFFLINE', async () => {
    const b = await bundle();
    expect(b.config).toMatchObject({ thingName: b.deviceId, endpoint: { host: 'localhost', port }, provisioningTemplate: 'edgefleet-fleet-provisioning' });
    const claim = await claimClient(b);
    const keys = await generateKeyPair();
    const csr = await request(claim, CSR_TOPIC, JSON.stringify({ certificateSigningRequest: await createCsr(b.deviceId, keys) }));
    expect(csr).toEqual({
      outcome: 'accepted',
      body: { certificateId: expect.stringMatching(/^[0-9a-f]{64}$/), certificatePem: expect.stringContaining('BEGIN CERTIFICATE'), certificateOwnershipToken: expect.any(String) },
    });
    expect(new X509Certificate(csr.body.certificatePem).subject).toBe(`CN=${b.deviceId}`);
    expect((await device(b.deviceId)).provisioningStatus).toBe('PENDING');
    // Not usable before RegisterThing activates it.
    await expect(connect(port, { cert: csr.body.certificatePem, key: keys.privateKeyPem, ca: b.ca }, { clientId: b.deviceId })).rejects.toThrow(/Not authorized/);

    const reg = await request(claim, REGISTER(b.config.provisioningTemplate), JSON.stringify({ certificateOwnershipToken: csr.body.certificateOwnershipToken, parameters: { SerialNumber: 'SN-1' } }));
    expect(reg.outcome).toBe('accepted');
    expect(await device(b.deviceId)).toMatchObject({ provisioningStatus: 'SUCCEEDED', deviceConnectionStatus: 'NOT_AVAILABLE', serialNumber: 'SN-1' });
    // Its lease on the fleet: as long as its certificate.
    expect((await device(b.deviceId)).leaseExpirationTime).toEqual(new X509Certificate(csr.body.certificatePem).validToDate);

    const own = await connect(port, { cert: csr.body.certificatePem, key: keys.privateKeyPem, ca: b.ca }, { clientId: b.deviceId });
    const online = await eventually(() => device(b.deviceId), (d) => d.deviceConnectionStatus === 'ONLINE');
    expect(online.deviceConnectionStatus).toBe('ONLINE');
    expect(online.lastSeenAt).not.toBeNull();
    await own.endAsync();
    const offline = await eventually(() => device(b.deviceId), (d) => d.deviceConnectionStatus === 'OFFLINE');
    expect(offline.deviceConnectionStatus).toBe('OFFLINE');
    const events = await prisma.deviceEvent.findMany({ where: { deviceId: b.deviceId }, orderBy: { id: 'asc' } });
    expect(events.map((e) => `${e.field}:${e.from}->${e.to}`)).toEqual([
      'provisioningStatus:null->AWAITING_PROVISIONING',
      'provisioningStatus:AWAITING_PROVISIONING->PENDING',
      'provisioningStatus:PENDING->SUCCEEDED',
      'deviceConnectionStatus:AWAITING_CREDENTIALS->NOT_AVAILABLE',
      'deviceConnectionStatus:NOT_AVAILABLE->ONLINE',
      'deviceConnectionStatus:ONLINE->OFFLINE',
    ]);
  });

  it('CreateKeysAndCertificate sends a key made on the server, once', async () => {
    const b = await bundle();
    const claim = await claimClient(b);
    const keys = await request(claim, KEYS_TOPIC, '{}');
    expect(keys.body).toMatchObject({ privateKey: expect.stringContaining('BEGIN PRIVATE KEY'), certificateId: expect.any(String) });
    const reg = await request(claim, REGISTER(b.config.provisioningTemplate), JSON.stringify({ certificateOwnershipToken: keys.body.certificateOwnershipToken }));
    expect(reg.outcome).toBe('accepted');
    const own = await connect(port, { cert: keys.body.certificatePem, key: keys.body.privateKey, ca: b.ca }, { clientId: b.deviceId });
    open.push(own);
    expect(JSON.stringify(await prisma.certificate.findMany({ where: { deviceId: b.deviceId } }))).not.toContain('PRIVATE KEY');
  });

  it('rejects bad requests with a specific errorCode and changes nothing', async () => {
    const b = await bundle();
    const claim = await claimClient(b);
    const keys = await generateKeyPair();
    const otherCsr = await createCsr('device-someoneelse', keys);
    const cases: [string, string | Buffer, number, string][] = [
      [CSR_TOPIC, '{not json', 400, 'InvalidPayload'],
      [CSR_TOPIC, '[1,2]', 400, 'InvalidPayload'],
      [CSR_TOPIC, JSON.stringify({ certificateSigningRequest: 5 }), 400, 'InvalidPayload'],
      [CSR_TOPIC, JSON.stringify({ certificateSigningRequest: 'garbage' }), 400, 'InvalidCertificateSigningRequest'],
      [CSR_TOPIC, JSON.stringify({ certificateSigningRequest: otherCsr }), 400, 'InvalidCertificateSigningRequest'],
      [CSR_TOPIC, Buffer.alloc(129 * 1024, 'x'), 413, 'PayloadTooLarge'],
      [REGISTER('no-such-template'), JSON.stringify({ certificateOwnershipToken: 'x' }), 404, 'ResourceNotFound'],
      [REGISTER(b.config.provisioningTemplate), JSON.stringify({ certificateOwnershipToken: 'forged' }), 400, 'InvalidCertificateOwnershipToken'],
      [REGISTER(b.config.provisioningTemplate), JSON.stringify({ parameters: {} }), 400, 'InvalidPayload'],
    ];
    for (const [topic, payload, statusCode, errorCode] of cases) {
      const r = await request(claim, topic, payload);
      expect({ topic, ...r }).toEqual({ topic, outcome: 'rejected', body: { statusCode, errorCode, errorMessage: expect.any(String) } });
    }
    expect(await device(b.deviceId)).toMatchObject({ provisioningStatus: 'AWAITING_PROVISIONING', deviceConnectionStatus: 'AWAITING_CREDENTIALS' });
    expect(await prisma.certificate.count({ where: { deviceId: b.deviceId, kind: 'DEVICE' } })).toBe(0);
  });

  it('a claim works once: a second registration is rejected and the used claim can no longer connect', async () => {
    const b = await bundle();
    const claim = await claimClient(b);
    const first = await request(claim, KEYS_TOPIC, '{}');
    await request(claim, REGISTER(b.config.provisioningTemplate), JSON.stringify({ certificateOwnershipToken: first.body.certificateOwnershipToken }));
    const second = await request(claim, KEYS_TOPIC, '{}');
    expect(second.body).toMatchObject({ statusCode: 403, errorCode: 'ClaimAlreadyUsed' });
    await expect(claimClient(b)).rejects.toThrow(/Not authorized/);
  });

  it('sends provisioning responses only to the client that asked', async () => {
    const [a, b] = [await bundle(), await bundle()];
    const [ca, cb] = [await claimClient(a), await claimClient(b)];
    const seenByB: string[] = [];
    cb.on('message', (t) => seenByB.push(t));
    await new Promise((r) => cb.subscribe(`${KEYS_TOPIC}/accepted`, { qos: 1 }, r));
    const r = await request(ca, KEYS_TOPIC, '{}');
    expect(r.outcome).toBe('accepted');
    await new Promise((res) => setTimeout(res, 300));
    expect(seenByB).toEqual([]);
  });

  it('enforces AWS IoT policies: own topics only, no server topics, client id = thing name', async () => {
    const b = await bundle();
    const creds = await provision(b);
    await expect(connect(port, creds, { clientId: 'not-the-thing-name' })).rejects.toThrow(/Not authorized/);

    const own = await connect(port, creds, { clientId: b.deviceId });
    open.push(own);
    const grantedQos = async (topic: string) =>
      own.subscribeAsync(topic, { qos: 0 }).then(
        (g) => g[0].qos,
        (err: { packet?: { granted: number[] } }) => err.packet?.granted[0],
      );
    expect(await grantedQos(`$aws/things/${b.deviceId}/shadow/#`)).toBe(0);
    for (const denied of ['#', '$aws/things/+/shadow/update', '$aws/events/#']) expect([denied, await grantedQos(denied)]).toEqual([denied, 128]);
    await own.publishAsync(`edgefleet/things/${b.deviceId}/telemetry`, '{}', { qos: 1 });
    expect(own.connected).toBe(true);

    for (const topic of [`$aws/things/device-other/shadow/update`, `$aws/things/${b.deviceId}/shadow/update/accepted`, `$aws/events/presence/connected/${b.deviceId}`]) {
      const c = await connect(port, creds, { clientId: b.deviceId });
      open.push(c);
      c.publish(topic, '{}', { qos: 1 });
      await closed(c);
    }
    // A claim may not take another device's client id (its session), nor leave the provisioning topics.
    const other = await bundle();
    const victim = await connect(port, creds, { clientId: b.deviceId });
    open.push(victim);
    await expect(connect(port, { cert: other.cert, key: other.key, ca: other.ca }, { clientId: b.deviceId })).rejects.toThrow(/Not authorized/);
    await new Promise((r) => setTimeout(r, 200));
    expect(victim.connected).toBe(true);
    const claim = await claimClient(other);
    claim.publish(`$aws/things/${other.deviceId}/shadow/update`, '{}', { qos: 1 });
    await closed(claim);
  });

  it('refuses certificates of another CA, and expired claims, at the TLS handshake', async () => {
    const b = await bundle();
    const rogue = await CertificateAuthority.loadOrCreate(mkdtempSync(`${tmpdir()}/rogue-ca-`));
    const keys = await generateKeyPair();
    const forged = await rogue.issue({ commonName: `claim-${b.deviceId}`, publicKey: keys.publicKey, validForMs: 60_000, usage: 'client' });
    await expect(connect(port, { cert: forged.certificatePem, key: keys.privateKeyPem, ca: b.ca }, { clientId: b.deviceId })).rejects.toThrow();

    const shortLived = await startGateway({ CLAIM_TTL_SECONDS: '1' });
    try {
      const expired = await newBundle(shortLived, org.admin, `gw-expired-${n++}`);
      await new Promise((r) => setTimeout(r, 1500));
      // TLS 1.3 reports the refusal after the client's side of the handshake: a closed socket, never a CONNACK.
      await expect(connect(shortLived.app.get(MqttGateway).port, { cert: expired.cert, key: expired.key, ca: expired.ca })).rejects.toThrow();
      // The worker's sweep marks such devices FAILED with the reason.
      await shortLived.app.get(DeviceRegistration, { strict: false }).failExpiredClaims(new Date());
      expect(await device(expired.deviceId)).toMatchObject({ provisioningStatus: 'FAILED', provisioningStatusReason: expect.stringMatching(/expired/) });
    } finally {
      await shortLived.app.close();
    }
  });

  it('drops the live session of a decommissioned device within 5 s, and refuses it afterwards', async () => {
    const b = await bundle();
    const creds = await provision(b);
    const own = await connect(port, creds, { clientId: b.deviceId });
    open.push(own);
    const started = Date.now();
    await gw.app.get(DeviceIdentities, { strict: false }).decommissionThing(b.deviceId);
    await closed(own);
    expect(Date.now() - started).toBeLessThan(5000);
    // Refused once TLS completes, before aedes reads a byte: a CONNACK 5 of the gateway's own tells the device it is not authorized, for good.
    await expect(connect(port, creds, { clientId: b.deviceId })).rejects.toMatchObject({ code: 5, message: expect.stringMatching(/Not authorized/) });
  });

  it('routes between two gateways that share Redis', async () => {
    const gw2 = await startGateway({ REDIS_PREFIX: gw.config.REDIS_PREFIX }); // one fleet: the same Redis and prefix
    try {
      const [a, b] = [await bundle(), await bundle()];
      const [credsA, credsB] = [await provision(a), await provision(b)];
      const onFirst = await connect(port, credsA, { clientId: a.deviceId });
      const onSecond = await connect(gw2.app.get(MqttGateway).port, credsB, { clientId: b.deviceId });
      open.push(onFirst, onSecond);
      await onSecond.subscribeAsync(`edgefleet/things/${b.deviceId}/inbox`, { qos: 1 });
      const received = new Promise<string>((resolve) => onSecond.on('message', (_t, p) => resolve(p.toString())));
      // A device on the first gateway publishes; the server side of the first gateway forwards to the second device's topic.
      await onFirst.publishAsync(`edgefleet/things/${a.deviceId}/outbox`, 'hello', { qos: 1 });
      const broker = (gw.app.get(MqttGateway) as unknown as { broker: { publish: (p: object, cb: () => void) => void } }).broker;
      broker.publish({ cmd: 'publish', topic: `edgefleet/things/${b.deviceId}/inbox`, payload: Buffer.from('from gateway 1'), qos: 1, retain: false, dup: false }, () => undefined);
      expect(await received).toBe('from gateway 1');
    } finally {
      await gw2.app.close();
    }
  });
});
