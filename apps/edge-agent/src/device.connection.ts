import mqtt, { type MqttClient } from 'mqtt';
import type { DeviceIdentity } from './identity.store';

const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60_000;

/** The device's long-lived connection: its own certificate, client id = thing name, reconnecting with exponential backoff and jitter. */
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
    ca: identity.rootCaPem,
    cert: identity.certificatePem,
    key: identity.privateKeyPem,
  });
  // Full jitter: a fleet that lost its gateway does not come back all at once.
  let attempt = 0;
  client.on('connect', () => (attempt = 0));
  client.on('reconnect', () => {
    attempt++;
    client.options.reconnectPeriod = Math.max(100, Math.round(Math.random() * Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** attempt)));
  });
  return client;
}
