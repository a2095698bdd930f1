import { Injectable, Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CONFIG, type Config } from '@edgefleet/config';
import { DeviceService, deviceUpdatedChannel } from '@edgefleet/devices';
import { RedisConnections } from '@edgefleet/runtime';
import { type PubSub, graphqlPubSub } from '../graphql/graphql-pubsub';
import { toDevice } from './device.types';

/** Topics of the GraphQL pubsub: one per organization, and one per device. */
export const deviceUpdatedTopics = (organizationId: string, deviceId?: string | null) =>
  deviceId ? `deviceUpdated:${organizationId}:${deviceId}` : `deviceUpdated:${organizationId}`;

/** Carries device changes from gateways and workers (Redis) to this api's GraphQL subscribers. */
@Injectable()
export class DeviceUpdatesBridge implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeviceUpdatesBridge.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly redis: RedisConnections,
    private readonly devices: DeviceService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    const pubsub = graphqlPubSub(this.adapterHost);
    this.redis.subscribe(deviceUpdatedChannel(this.config.REDIS_PREFIX), (message) => void this.relay(pubsub, message));
  }

  private async relay(pubsub: PubSub, message: string): Promise<void> {
    try {
      const { deviceIds } = JSON.parse(message) as { deviceIds: string[] };
      for (const view of await this.devices.changed(deviceIds)) {
        const { deviceId, organizationId } = view;
        const payload = { deviceUpdated: toDevice(view) };
        await pubsub.publish({ topic: deviceUpdatedTopics(organizationId), payload });
        await pubsub.publish({ topic: deviceUpdatedTopics(organizationId, deviceId), payload });
      }
    } catch (err) {
      this.logger.warn({ err }, 'could not relay a device update');
    }
  }

}
