import type { OnModuleDestroy } from '@nestjs/common';
import mqemitterRedis from 'mqemitter-redis';

/**
 * Publishes server messages (shadow deltas, job notifications) into the gateways'
 * shared MQTT routing from processes that run no broker (api, worker): the same
 * Redis emitter the gateways use, so every subscriber on every gateway gets it once.
 */
export class MqttPublisher implements OnModuleDestroy {
  private readonly mq: ReturnType<typeof mqemitterRedis>;

  constructor(gatewayRedisUrl: string) {
    const url = new URL(gatewayRedisUrl);
    this.mq = mqemitterRedis({
      host: url.hostname,
      port: Number(url.port || 6379),
      password: url.password || undefined,
      db: Number(url.pathname.slice(1) || 0),
      enableReadyCheck: false,
    } as never);
    (this.mq as unknown as { state: NodeJS.EventEmitter }).state.on('error', () => undefined);
  }

  publish(topic: string, body: object): Promise<void> {
    const packet = { cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(body)), qos: 0, retain: false, dup: false };
    return new Promise((resolve, reject) => this.mq.emit(packet as never, (err?: Error) => (err ? reject(err) : resolve())));
  }

  onModuleDestroy(): Promise<void> {
    return new Promise((resolve) => this.mq.close(() => resolve()));
  }
}
