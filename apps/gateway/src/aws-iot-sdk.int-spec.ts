import { iotidentity, iotshadow, mqtt } from 'aws-iot-device-sdk-v2';
import { PrismaService } from '@edgefleet/db';
import { eventually, newOrganization } from '@edgefleet/e2e-support';
import { createCsr, generateKeyPair } from '@edgefleet/pki';
import { MqttGateway } from './mqtt-gateway';
import { type RunningGateway, newBundle, pemWriter, provisionDevice, sdkConnection, startGateway } from './test/gateway.harness';

/** An agent written with the AWS IoT Device SDK v2 (iotidentity client) must provision against the gateway unchanged. */
describe('AWS IoT Device SDK v2 against the gateway', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.app.close());

  const connection = (files: { cert: string; key: string; ca: string }, clientId: string) => sdkConnection(gw.app.get(MqttGateway).port, files, clientId);

  it('CreateCertificateFromCsr + RegisterThing, then connects with the new certificate', async () => {
    const org = await newOrganization(gw);
    const bundle = await newBundle(gw, org.admin, 'sdk-device');
    const file = pemWriter('sdk-');
    const claimFiles = { cert: file('claim.pem.crt', bundle.cert), key: file('claim.pem.key', bundle.key), ca: file('root-ca.pem', bundle.ca) };

    const conn = connection(claimFiles, bundle.deviceId);
    await conn.connect();
    const identity = new iotidentity.IotIdentityClient(conn);
    const Q = mqtt.QoS.AtLeastOnce;
    const template = bundle.config.provisioningTemplate;

    const csrAccepted = new Promise<iotidentity.model.CreateCertificateFromCsrResponse>((resolve, reject) => {
      identity.subscribeToCreateCertificateFromCsrAccepted({}, Q, (e, r) => (e ? reject(e) : resolve(r!))).catch(reject);
    });
    await identity.subscribeToCreateCertificateFromCsrRejected({}, Q, (_e, r) => {
      throw new Error(`rejected: ${JSON.stringify(r)}`);
    });
    const keys = await generateKeyPair();
    await identity.publishCreateCertificateFromCsr({ certificateSigningRequest: await createCsr(bundle.deviceId, keys) }, Q);
    const cert = await csrAccepted;
    expect(cert.certificateId).toMatch(/^[0-9a-f]{64}$/);

    const registered = new Promise<iotidentity.model.RegisterThingResponse>((resolve, reject) => {
      identity.subscribeToRegisterThingAccepted({ templateName: template }, Q, (e, r) => (e ? reject(e) : resolve(r!))).catch(reject);
    });
    await identity.publishRegisterThing({ templateName: template, certificateOwnershipToken: cert.certificateOwnershipToken!, parameters: { SerialNumber: 'SDK-1' } }, Q);
    expect(await registered).toEqual({ thingName: bundle.deviceId, deviceConfiguration: {} });
    await conn.disconnect();

    const own = connection({ cert: file('device.pem.crt', cert.certificatePem!), key: file('device.pem.key', keys.privateKeyPem), ca: claimFiles.ca }, bundle.deviceId);
    await own.connect();
    const prisma = gw.app.get(PrismaService);
    const d = await eventually(() => prisma.device.findUniqueOrThrow({ where: { deviceId: bundle.deviceId } }), (x) => x.deviceConnectionStatus === 'ONLINE');
    expect(d).toMatchObject({ provisioningStatus: 'SUCCEEDED', deviceConnectionStatus: 'ONLINE', serialNumber: 'SDK-1' });
    await own.disconnect();
  });

  it('iotshadow: update, get and delta on a named shadow', async () => {
    const org = await newOrganization(gw);
    const bundle = await newBundle(gw, org.admin, 'sdk-shadow-device');
    const creds = await provisionDevice(gw.app.get(MqttGateway).port, bundle);
    const file = pemWriter('sdk-shadow-');
    const conn = connection({ cert: file('d.crt', creds.cert), key: file('d.key', creds.key), ca: file('ca.pem', creds.ca) }, bundle.deviceId);
    await conn.connect();
    const shadow = new iotshadow.IotShadowClient(conn);
    const Q = mqtt.QoS.AtLeastOnce;
    const thing = { thingName: bundle.deviceId, shadowName: 'system' };
    const next = <T>(subscribe: (cb: (e?: unknown, r?: T) => void) => Promise<unknown>) =>
      new Promise<T>((resolve, reject) => void subscribe((e, r) => (e ? reject(e) : resolve(r!))).catch(reject));

    const accepted = next<iotshadow.model.UpdateShadowResponse>((cb) => shadow.subscribeToUpdateNamedShadowAccepted(thing, Q, cb));
    await shadow.subscribeToUpdateNamedShadowRejected(thing, Q, (_e, r) => {
      throw new Error(`rejected: ${JSON.stringify(r)}`);
    });
    await shadow.publishUpdateNamedShadow({ ...thing, state: { reported: { currentSoftware: '4.3.45', uptimeSeconds: 5 } }, clientToken: 'sdk-1' }, Q);
    expect(await accepted).toMatchObject({ state: { reported: { currentSoftware: '4.3.45', uptimeSeconds: 5 } }, version: 1, clientToken: 'sdk-1' });

    const delta = next<iotshadow.model.ShadowDeltaUpdatedEvent>((cb) => shadow.subscribeToNamedShadowDeltaUpdatedEvents(thing, Q, cb));
    await new Promise((r) => setTimeout(r, 100));
    await shadow.publishUpdateNamedShadow({ ...thing, state: { desired: { currentSoftware: '4.3.55' } } }, Q);
    expect(await delta).toMatchObject({ state: { currentSoftware: '4.3.55' }, version: 2 });

    const got = next<iotshadow.model.GetShadowResponse>((cb) => shadow.subscribeToGetNamedShadowAccepted(thing, Q, cb));
    await shadow.publishGetNamedShadow({ ...thing, clientToken: 'g' }, Q);
    expect(await got).toMatchObject({ state: { desired: { currentSoftware: '4.3.55' }, reported: { currentSoftware: '4.3.45' }, delta: { currentSoftware: '4.3.55' } }, version: 2 });
    await conn.disconnect();
  });
});
