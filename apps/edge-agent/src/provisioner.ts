import mqtt, { type MqttClient } from 'mqtt';
import {
  CREATE_CERTIFICATE_FROM_CSR_TOPIC,
  type CreateCertificateFromCsrAccepted,
  type ErrorResponse,
  type RegisterThingAccepted,
  accepted,
  registerThingTopic,
  rejected,
} from '@edgefleet/contracts';
import { createCsr, generateKeyPair } from '@edgefleet/pki';
import { AgentError, type Bundle } from './bundle.reader';
import type { DeviceIdentity } from './identity.store';

const TIMEOUT_MS = 15_000;

/** What a failed TLS or MQTT connection with the claim means to the person holding the bundle. */
export function explainClaimFailure(err: Error & { code?: string | number }, bundle: Bundle): AgentError {
  const text = `${err.message} ${err.code ?? ''}`;
  if (/expired/i.test(text) || Date.parse(bundle.config.claimExpiresAt) <= Date.now()) {
    return new AgentError(`The bundle expired at ${bundle.config.claimExpiresAt} (bundles last 5 minutes). Ask for a new one with provisionDevice.`);
  }
  if (/Not authorized/i.test(text) || err.code === 5) {
    return new AgentError('The gateway refused this bundle: it was already used, or the device was deleted. Bundles work once; ask for a new one.');
  }
  if (/unknown ca|bad certificate|self.signed|unable to verify/i.test(text)) {
    return new AgentError('The gateway does not trust this bundle (certificate from another CA, or a damaged bundle).');
  }
  return new AgentError(`Could not reach the gateway at ${bundle.config.endpoint.host}:${bundle.config.endpoint.port}: ${err.message}`);
}

function request<T>(client: MqttClient, topic: string, body: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new AgentError(`No answer on ${topic} within ${TIMEOUT_MS / 1000} s.`)), TIMEOUT_MS);
    const onMessage = (t: string, payload: Buffer) => {
      if (t !== accepted(topic) && t !== rejected(topic)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      const json = JSON.parse(payload.toString('utf8'));
      if (t === accepted(topic)) resolve(json as T);
      else {
        const e = json as ErrorResponse;
        reject(new AgentError(`Provisioning was rejected (${e.errorCode}, ${e.statusCode}): ${e.errorMessage}`));
      }
    };
    client.on('message', onMessage);
    client.subscribe([accepted(topic), rejected(topic)], { qos: 1 }, (err) => {
      if (err) return reject(err);
      client.publish(topic, JSON.stringify(body), { qos: 1 });
    });
  });
}

/**
 * Trades the bundle's claim for the device's own certificate, over AWS IoT's fleet
 * provisioning API: the private key is made here and never leaves the device.
 */
export async function provisionWithBundle(bundle: Bundle, parameters: Record<string, string> = {}): Promise<DeviceIdentity> {
  const { config } = bundle;
  const keys = await generateKeyPair();
  const csr = await createCsr(config.thingName, keys);
  const client = mqtt.connect({
    protocol: 'mqtts',
    host: config.endpoint.host,
    port: config.endpoint.port,
    protocolVersion: 4,
    clientId: config.thingName,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: TIMEOUT_MS,
    ca: bundle.rootCaPem,
    cert: bundle.claimCertificatePem,
    key: bundle.claimPrivateKeyPem,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', (err) => reject(explainClaimFailure(err as Error, bundle)));
      client.once('close', () => reject(explainClaimFailure(new Error('connection closed by the gateway'), bundle)));
    });
    const certificate = await request<CreateCertificateFromCsrAccepted>(client, CREATE_CERTIFICATE_FROM_CSR_TOPIC, {
      certificateSigningRequest: csr,
    });
    const registered = await request<RegisterThingAccepted>(client, registerThingTopic(config.provisioningTemplate), {
      certificateOwnershipToken: certificate.certificateOwnershipToken,
      parameters,
    });
    return {
      thingName: registered.thingName,
      endpoint: config.endpoint,
      certificatePem: certificate.certificatePem,
      privateKeyPem: keys.privateKeyPem,
      rootCaPem: bundle.rootCaPem,
      networking: config.networking,
    };
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}
