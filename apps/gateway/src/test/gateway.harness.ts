import type { INestApplicationContext } from '@nestjs/common';
import { iot, mqtt as sdkMqtt } from 'aws-iot-device-sdk-v2';
import { strFromU8, unzipSync } from 'fflate';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Config } from '@edgefleet/config';
import { BUNDLE_FILES, type BundleConfig } from '@edgefleet/contracts';
import { freePort, testConfig } from '@edgefleet/e2e-support';
import type { Principal } from '@edgefleet/organizations';
import { createCsr, generateKeyPair } from '@edgefleet/pki';
import { ProvisioningService } from '@edgefleet/provisioning';
import { createGateway } from '../gateway.app';

export interface RunningGateway {
  app: INestApplicationContext;
  config: Config;
}

export async function startGateway(overrides: Record<string, string> = {}): Promise<RunningGateway> {
  const config = testConfig({ GATEWAY_PORT: String(await freePort()), ...overrides });
  return { app: await createGateway(config), config };
}

export interface TestBundle {
  deviceId: string;
  config: BundleConfig;
  cert: string;
  key: string;
  ca: string;
}

/** provisionDevice through the real service, unpacked as a device would. */
export async function newBundle(gw: RunningGateway, principal: Principal, name: string): Promise<TestBundle> {
  const out = await gw.app.get(ProvisioningService, { strict: false }).provisionDevice(principal, { name });
  const files = unzipSync(Buffer.from(out.certificates, 'base64'));
  const text = (f: string) => strFromU8(files[f]);
  return {
    deviceId: out.deviceId,
    config: JSON.parse(text(BUNDLE_FILES.config)),
    cert: text(BUNDLE_FILES.claimCertificate),
    key: text(BUNDLE_FILES.claimPrivateKey),
    ca: text(BUNDLE_FILES.rootCa),
  };
}

/** An MQTT 3.1.1 client over mTLS; resolves on CONNACK or rejects with the refusal. */
export function connect(port: number, tls: { cert: string; key: string; ca: string }, opts: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect({
    protocol: 'mqtts',
    host: 'localhost',
    port,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    clean: true,
    ...tls,
    ...opts,
  });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

/** Publishes a request and waits for the reply on `<topic>/accepted` or `/rejected`. */
export function request(client: MqttClient, topic: string, payload: string | Buffer): Promise<{ outcome: 'accepted' | 'rejected'; body: any }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply on ${topic}`)), 5000);
    const onMessage = (t: string, p: Buffer) => {
      if (t === `${topic}/accepted` || t === `${topic}/rejected`) {
        clearTimeout(timer);
        client.off('message', onMessage);
        resolve({ outcome: t.endsWith('accepted') ? 'accepted' : 'rejected', body: JSON.parse(p.toString()) });
      }
    };
    client.on('message', onMessage);
    client.subscribe([`${topic}/accepted`, `${topic}/rejected`], { qos: 1 }, (err) => (err ? reject(err) : client.publish(topic, payload, { qos: 1 })));
  });
}

/** A TLS connection that speaks no MQTT of its own: the test writes the bytes, and sees what comes back and when it closes. */
export function rawTls(port: number, tls: { cert: string; key: string; ca: string }): Promise<{ socket: TLSSocket; received: () => Buffer; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: 'localhost', port, ...tls });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('secureConnect', () => {
      socket.on('error', () => undefined); // a reset by the gateway shows as the close
      resolve({ socket, received: () => Buffer.concat(chunks), closed });
    });
    socket.once('error', reject);
  });
}

/** Resolves when the gateway closes the connection. */
export const closed = (client: MqttClient) => new Promise<void>((resolve) => (client.disconnected ? resolve() : client.once('close', () => resolve())));

export interface DeviceCredentials {
  cert: string;
  key: string;
  ca: string;
  certificateId: string;
}

/** The whole claim flow with a CSR, as a device runs it; returns the device's own credentials. */
export async function provisionDevice(port: number, b: TestBundle): Promise<DeviceCredentials> {
  const claim = await connect(port, { cert: b.cert, key: b.key, ca: b.ca }, { clientId: b.deviceId });
  try {
    const keys = await generateKeyPair();
    const csr = await request(claim, '$aws/certificates/create-from-csr/json', JSON.stringify({ certificateSigningRequest: await createCsr(b.deviceId, keys) }));
    if (csr.outcome !== 'accepted') throw new Error(JSON.stringify(csr.body));
    const reg = await request(claim, `$aws/provisioning-templates/${b.config.provisioningTemplate}/provision/json`, JSON.stringify({
      certificateOwnershipToken: csr.body.certificateOwnershipToken,
      parameters: { SerialNumber: 'GFXMPL0013023708' },
    }));
    if (reg.outcome !== 'accepted') throw new Error(JSON.stringify(reg.body));
    return { cert: csr.body.certificatePem, key: keys.privateKeyPem, ca: b.ca, certificateId: csr.body.certificateId };
  } finally {
    claim.end(true);
  }
}

/** Writes PEM files for clients that load them from disk (the AWS IoT Device SDK does); returns a writer into a fresh directory. */
export function pemWriter(prefix: string): (name: string, content: string) => string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return (name, content) => {
    writeFileSync(path.join(dir, name), content, { mode: 0o600 });
    return path.join(dir, name);
  };
}

/** An MQTT 3.1.1 connection of aws-iot-device-sdk-v2, configured as a device would (mTLS, client id = thing name). */
export function sdkConnection(port: number, files: { cert: string; key: string; ca: string }, clientId: string) {
  const config = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(files.cert, files.key)
    .with_certificate_authority_from_path(undefined, files.ca)
    .with_endpoint('localhost')
    .with_port(port)
    .with_client_id(clientId)
    .with_clean_session(true)
    .build();
  config.disable_metrics = true;
  return new sdkMqtt.MqttClient().new_connection(config);
}
