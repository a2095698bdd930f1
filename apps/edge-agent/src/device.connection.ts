import mqtt, { type MqttClient } from 'mqtt';
import type { DeviceIdentity } from './identity.store';

const MIN_BACKOFF_MS = 1000;
/**
 * The longest wait between attempts: a device is back within about 20 s of its gateway's return
 * (the fleet's promise is 30 s), a fleet still spread over those 20 s by the full jitter.
 */
const MAX_BACKOFF_MS = 20_000;

/**
 * The device's long-lived connection: its own certificate, client id = thing name, reconnecting
 * with exponential backoff and jitter. A refusal for now (CONNACK 3, server unavailable: the
 * service could not check the certificate, its database restarting, say) is retried like a lost
 * connection (mqtt.js alone would stop at any refusal); one for good (5, not authorized: the device
 * was deregistered) ends the connection.
 */
export function connectDevice(identity: DeviceIdentity, opts: { keepaliveSeconds?: number } = {}): MqttClient {
  const client = mqtt.connect({
    protocol: 'mqtts',
    host: identity.endpoint.host,
    port: identity.endpoint.port,
    protocolVersion: 4,
    clientId: identity.thingName,
    clean: true,
    keepalive: opts.keepaliveSeconds ?? 30,
    reconnectPeriod: MIN_BACKOFF_MS,
    reconnectOnConnackError: true,
    ca: identity.rootCaPem,
    cert: identity.certificatePem,
    key: identity.privateKeyPem,
  });
  // Full jitter: a fleet that lost its gateway does not come back all at once.
  let attempt = 0;
  client.on('connect', () => (attempt = 0));
  client.on('error', (err) => {
    if ((err as Error & { code?: number }).code === 5) client.end(true);
  });
  client.on('reconnect', () => {
    attempt++;
    client.options.reconnectPeriod = Math.max(100, Math.round(Math.random() * Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** attempt)));
  });
  return client;
}
