import type { HttpAdapterHost } from '@nestjs/core';

export interface PubSub {
  publish(event: { topic: string; payload: unknown }): Promise<void> | void;
}

/** The GraphQL subscriptions' pubsub of this api (Mercurius). */
export const graphqlPubSub = (adapterHost: HttpAdapterHost) => (adapterHost.httpAdapter.getInstance() as { graphql: { pubsub: PubSub } }).graphql.pubsub;
