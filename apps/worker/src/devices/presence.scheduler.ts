import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { DeviceEventsPublisher, DeviceService } from '@edgefleet/devices';
import { PresenceFeed } from '@edgefleet/iot';

/** Devices whose gateway went silent become OFFLINE (compare-and-set: several workers are safe). */
@Injectable()
export class PresenceScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PresenceScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly devices: DeviceService,
    private readonly events: DeviceEventsPublisher,
    private readonly feed: PresenceFeed,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.feed.gatewayHeartbeats) return; // AWS IoT Core reports disconnects itself
    this.timer = setInterval(() => {
      this.devices
        .markSilentDevicesOffline(this.config.PRESENCE_HEARTBEAT_SECONDS)
        .then(async (ids) => {
          if (ids.length === 0) return;
          this.logger.log({ count: ids.length }, 'silent devices marked OFFLINE');
          await this.events.updated(ids);
        })
        .catch((err) => this.logger.error({ err }, 'presence sweep failed'));
    }, (this.config.PRESENCE_HEARTBEAT_SECONDS * 1000) / 2);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
