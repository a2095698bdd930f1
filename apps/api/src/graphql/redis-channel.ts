import type { Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { Redis } from 'ioredis';

export interface PubSub {
  publish(event: { topic: string; payload: unknown }): Promise<void> | void;
}

/** The GraphQL subscriptions' pubsub of this api (Mercurius). */
export const graphqlPubSub = (adapterHost: HttpAdapterHost) => (adapterHost.httpAdapter.getInstance() as { graphql: { pubsub: PubSub } }).graphql.pubsub;

/**
 * Follows a Redis channel fed by gateways and workers. Not awaited: the api starts (and
 * /health reports it) even while Redis is down; ioredis subscribes once it is back.
 */
export function followChannel(redisUrl: string, channel: string, logger: Logger, onMessage: (message: string) => void): Redis {
  const subscriber = new Redis(redisUrl);
  subscriber.on('error', (err) => logger.warn({ err: err.message, channel }, 'Redis channel error'));
  subscriber.subscribe(channel).catch((err) => logger.warn({ err: err.message, channel }, 'cannot subscribe to the channel yet'));
  subscriber.on('message', (_channel, message) => onMessage(message));
  return subscriber;
}
