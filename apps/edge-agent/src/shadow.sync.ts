import type { MqttClient } from 'mqtt';
import { SYSTEM_SHADOW, shadowTopic } from '@edgefleet/contracts';

/**
 * Keeps the device's `system` shadow in sync: reports its state on every (re)connect,
 * applies what is desired (here: by adopting it and reporting it back), and answers deltas.
 * Publishes made while offline are queued by the MQTT client and sent on reconnect.
 */
export class ShadowSync {
  private readonly base: string;

  constructor(
    private readonly client: MqttClient,
    thingName: string,
    private readonly report: () => Record<string, unknown>,
    private readonly onDesired: (desired: Record<string, unknown>) => void = () => undefined,
  ) {
    this.base = shadowTopic(thingName, SYSTEM_SHADOW, 'update').replace(/\/update$/, '');
    client.on('connect', () => this.start());
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  private start(): void {
    this.client.subscribe([`${this.base}/update/delta`, `${this.base}/get/accepted`, `${this.base}/update/rejected`, `${this.base}/get/rejected`], { qos: 1 }, () => {
      this.publishReport(this.report());
      this.get();
    });
  }

  private get(): void {
    this.client.publish(`${this.base}/get`, '{}', { qos: 1 });
  }

  publishReport(reported: Record<string, unknown>): void {
    this.client.publish(`${this.base}/update`, JSON.stringify({ state: { reported } }), { qos: 1 });
  }

  private onMessage(topic: string, payload: Buffer): void {
    let body: { state?: Record<string, unknown>; code?: number };
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const rejected = topic === `${this.base}/update/rejected` ? () => this.publishReport(this.report()) : topic === `${this.base}/get/rejected` ? () => this.get() : undefined;
    if (rejected) {
      // The service could not take the request right now (a 5xx under load, a 429 for the thing's request rate): ask again, a little later.
      // A 404 on get (no shadow yet) needs nothing.
      if ((body.code ?? 0) >= 429) setTimeout(() => this.client.connected && rejected(), 1000 + Math.random() * 2000);
      return;
    }
    // This shadow's replies only: the device's other shadows (`applications`) arrive on the same connection.
    const delta = topic === `${this.base}/update/delta` ? body.state : topic === `${this.base}/get/accepted` ? (body.state?.delta as Record<string, unknown>) : undefined;
    if (!delta || Object.keys(delta).length === 0) return;
    this.onDesired(delta);
    this.publishReport(delta);
  }
}
