import type { OnModuleDestroy } from '@nestjs/common';
import { currentTraceparent } from '@edgefleet/telemetry';
import { type GatewayRedis, ThingRoutedEmitter } from './thing-routed.emitter';

/**
 * Publishes server messages (shadow deltas, job notifications) into the gateways'
 * shared MQTT routing from processes that run no broker (api, worker): the same
 * thing-routed Redis channels the gateways use, so the gateway holding the device
 * gets it once.
 */
export class MqttPublisher implements OnModuleDestroy {
  private readonly mq: ThingRoutedEmitter;

  constructor(gatewayRedis: GatewayRedis, redisPrefix: string) {
    this.mq = new ThingRoutedEmitter(gatewayRedis, redisPrefix);
  }

  publish(topic: string, body: object): Promise<void> {
    // The trace context rides in the routing header (not in the MQTT packet devices get): the gateway's delivery continues the trace.
    const traceparent = currentTraceparent();
    const packet = { cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(body)), qos: 0, retain: false, dup: false, ...(traceparent ? { traceparent } : {}) };
    return new Promise((resolve, reject) => this.mq.emit(packet, (err?: Error) => (err ? reject(err) : resolve())));
  }

  onModuleDestroy(): Promise<void> {
    return new Promise((resolve) => this.mq.close(() => resolve()));
  }
}
