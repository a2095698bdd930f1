import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { CONFIG, type Config } from '@edgefleet/config';

/**
 * The one Redis connection factory of a process: a shared connection for commands and
 * publishing (ioredis pipelines them), and dedicated ones where Redis needs them
 * (subscribers; a health probe that must fail fast). All are closed on shutdown.
 */
@Injectable()
export class RedisConnections implements OnModuleDestroy {
  private readonly logger = new Logger(RedisConnections.name);
  private readonly open = new Set<Redis>();
  private commands?: Redis;

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  /** The shared command connection. */
  get shared(): Redis {
    this.commands ??= this.connect('commands', { maxRetriesPerRequest: 2 });
    return this.commands;
  }

  /** A connection of its own, e.g. for a probe with other options. */
  connect(name: string, options: RedisOptions = {}): Redis {
    const redis = new Redis(this.config.REDIS_URL, options);
    redis.on('error', (err) => this.logger.warn({ err: err.message, connection: name }, 'Redis connection error'));
    this.open.add(redis);
    return redis;
  }

  /**
   * Follows a channel on a subscriber connection. Not awaited: a process starts (and /health
   * reports it) even while Redis is down; ioredis subscribes once it is back.
   */
  subscribe(channel: string, onMessage: (message: string) => void): Redis {
    const subscriber = this.connect(`subscriber:${channel}`);
    subscriber.subscribe(channel).catch((err) => this.logger.warn({ err: err.message, channel }, 'cannot subscribe to the channel yet'));
    subscriber.on('message', (_channel, message) => onMessage(message));
    return subscriber;
  }

  /** Best effort: what is published is a hint to subscribers; Postgres already holds the change. */
  async publish(channel: string, message: object): Promise<void> {
    await this.shared.publish(channel, JSON.stringify(message)).catch(() => undefined);
  }

  onModuleDestroy(): void {
    for (const redis of this.open) redis.disconnect();
    this.open.clear();
  }
}
