import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '@edgefleet/config';

/** AWS IoT Core's event topics the worker follows: lifecycle, `system` shadow documents, job executions. */
export const AWS_IOT_EVENT_TOPICS = ['$aws/events/presence/connected/+', '$aws/events/presence/disconnected/+', '$aws/things/+/shadow/name/system/update/documents', '$aws/things/+/shadow/name/applications/update/documents', '$aws/events/jobExecution/+/+'];

/** Where the registry hears about device connections (and, for AWS IoT, shadow and job events). */
export abstract class PresenceFeed {
  /** Our gateways record connections and vouch for them with heartbeats, so devices of a silent gateway must be swept OFFLINE. */
  abstract readonly gatewayHeartbeats: boolean;
  /** An MQTT connection subscribed to AWS IoT's event topics, or undefined where the gateways report presence themselves. */
  abstract connectEvents(): MqttClient | undefined;
}

export class GatewayPresenceFeed extends PresenceFeed {
  readonly gatewayHeartbeats = true;
  connectEvents(): undefined {
    return undefined;
  }
}

export class AwsIotEventsFeed extends PresenceFeed {
  readonly gatewayHeartbeats = false;
  constructor(private readonly config: Config) {
    super();
  }

  connectEvents(): MqttClient | undefined {
    const { AWS_IOT_EVENTS_URL: url, AWS_IOT_CLIENT_CERT_FILE: cert, AWS_IOT_CLIENT_KEY_FILE: key, AWS_IOT_ROOT_CA_FILE: ca } = this.config;
    if (!url) return undefined;
    const client = mqtt.connect(url, {
      protocolVersion: 4,
      clientId: `edgefleet-worker-${randomUUID().slice(0, 8)}`,
      clean: true,
      ...(cert && key ? { cert: readFileSync(cert), key: readFileSync(key) } : {}),
      ...(ca ? { ca: readFileSync(ca) } : {}),
    });
    client.on('connect', () => client.subscribe(AWS_IOT_EVENT_TOPICS, { qos: 1 }));
    return client;
  }
}
