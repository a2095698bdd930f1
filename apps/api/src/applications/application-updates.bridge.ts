import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type ApplicationInstanceRow, ApplicationInstanceService, type ApplicationsUpdated, applicationsUpdatedChannel } from '@edgefleet/applications';
import { CONFIG, type Config } from '@edgefleet/config';
import { RedisConnections } from '@edgefleet/runtime';
import { toTags } from '../graphql/common.types';
import { graphqlPubSub } from '../graphql/graphql-pubsub';
import type { ApplicationInstance } from './applications.types';

const payload = (v: unknown) => (v === null || v === undefined ? null : { payloadData: JSON.stringify(v) });
export const toInstance = (r: ApplicationInstanceRow): ApplicationInstance => ({
  ...r,
  manifestPayload: payload(r.manifestPayload)!,
  manifestOverridesPayload: payload(r.manifestOverridesPayload),
  tags: toTags(r.tags as Record<string, string>),
  createdTime: r.createdAt,
  lastUpdatedTime: r.updatedAt,
});

/** GraphQL pubsub topic of one device's application instances, per organization. */
export const updatedTopic = (organizationId: string, deviceId: string) => `applicationInstanceUpdated:${organizationId}:${deviceId}`;

/** Carries instance changes from workers (Redis) to this api's `applicationInstanceUpdated` subscribers. */
@Injectable()
export class ApplicationUpdatesBridge implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApplicationUpdatesBridge.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly redis: RedisConnections,
    private readonly instances: ApplicationInstanceService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    const pubsub = graphqlPubSub(this.adapterHost);
    this.redis.subscribe(applicationsUpdatedChannel(this.config.REDIS_PREFIX), async (message) => {
      try {
        const change = JSON.parse(message) as ApplicationsUpdated;
        const rows = await this.instances.changed(change.deviceId, change.applicationInstanceIds);
        for (const row of rows) await pubsub.publish({ topic: updatedTopic(row.organizationId, row.defaultRuntimeContextDevice), payload: { applicationInstanceUpdated: toInstance(row) } });
      } catch (err) {
        this.logger.warn({ err }, 'could not relay an application instance update');
      }
    });
  }
}

