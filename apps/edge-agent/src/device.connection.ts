import mqtt, { type MqttClient } from 'mqtt';
import type { DeviceIdentity } from './identity.store';

/** The device's long-lived connection: its own certificate, client id = thing name, reconnecting with backoff. */
export function connectDevice(identity: DeviceIdentity, opts: { keepaliveSeconds?: number } = {}): MqttClient {
  return mqtt.connect({
    protocol: 'mqtts',
    host: identity.endpoint.host,
    port: identity.endpoint.port,
    protocolVersion: 4,
    clientId: identity.thingName,
    clean: true,
    keepalive: opts.keepaliveSeconds ?? 30,
    reconnectPeriod: 1000,
    ca: identity.rootCaPem,
    cert: identity.certificatePem,
    key: identity.privateKeyPem,
  });
}
