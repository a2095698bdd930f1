import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CONFIG, type Config } from '@edgefleet/config';
import { type JobsUpdated, jobsUpdatedChannel } from '@edgefleet/jobs';
import { RedisConnections } from '@edgefleet/runtime';
import { graphqlPubSub } from '../graphql/graphql-pubsub';

/** GraphQL pubsub topic signalling that a job or rollout changed; subscribers reload it with their own key. */
export const changedTopic = (kind: 'jobs' | 'rollouts', id: string) => `changed:${kind}:${id}`;

/** Carries job and rollout changes (Redis, from gateways and workers) to this api's subscribers, for the ids someone here watches. */
@Injectable()
export class JobUpdatesBridge implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobUpdatesBridge.name);
  private readonly watched = { jobs: new Map<string, number>(), rollouts: new Map<string, number>() };

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly redis: RedisConnections,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    const pubsub = graphqlPubSub(this.adapterHost);
    this.redis.subscribe(jobsUpdatedChannel(this.config.REDIS_PREFIX), (message) => {
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

}
