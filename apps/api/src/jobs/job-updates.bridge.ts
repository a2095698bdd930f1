import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Redis } from 'ioredis';
import { CONFIG, type Config } from '@edgefleet/config';
import { type JobsUpdated, jobsUpdatedChannel } from '@edgefleet/jobs';

/** GraphQL pubsub topic signalling that a job or rollout changed; subscribers reload it with their own key. */
export const changedTopic = (kind: 'jobs' | 'rollouts', id: string) => `changed:${kind}:${id}`;

interface PubSub {
  publish(event: { topic: string; payload: unknown }): Promise<void> | void;
}

/** Carries job and rollout changes (Redis, from gateways and workers) to this api's subscribers, for the ids someone here watches. */
@Injectable()
export class JobUpdatesBridge implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobUpdatesBridge.name);
  private readonly watched = { jobs: new Map<string, number>(), rollouts: new Map<string, number>() };
  private subscriber?: Redis;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    const pubsub = (this.adapterHost.httpAdapter.getInstance() as { graphql: { pubsub: PubSub } }).graphql.pubsub;
    this.subscriber = new Redis(this.config.REDIS_URL);
    this.subscriber.on('error', (err) => this.logger.warn({ err: err.message }, 'job update channel error'));
    this.subscriber.subscribe(jobsUpdatedChannel(this.config.REDIS_PREFIX)).catch((err) => this.logger.warn({ err: err.message }, 'cannot subscribe to job updates yet'));
    this.subscriber.on('message', (_channel, message) => {
      try {
        const change = JSON.parse(message) as JobsUpdated;
        for (const kind of ['jobs', 'rollouts'] as const) {
          for (const id of (kind === 'jobs' ? change.jobIds : change.rolloutIds) ?? []) {
            if (this.watched[kind].has(id)) void pubsub.publish({ topic: changedTopic(kind, id), payload: {} });
          }
        }
      } catch (err) {
        this.logger.warn({ err }, 'could not relay a job update');
      }
    });
  }

  /** Counts a subscriber of this id; call the returned function when it leaves. */
  watch(kind: 'jobs' | 'rollouts', id: string): () => void {
    const map = this.watched[kind];
    map.set(id, (map.get(id) ?? 0) + 1);
    return () => {
      const n = (map.get(id) ?? 1) - 1;
      if (n <= 0) map.delete(id);
      else map.set(id, n);
    };
  }

  onModuleDestroy(): void {
    this.subscriber?.disconnect();
  }
}
