import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { DevicePresenceService } from '@edgefleet/devices';
import { PresenceFeed } from '@edgefleet/iot';
import { Scheduler } from '@edgefleet/runtime';

/** Devices whose gateway went silent become OFFLINE (compare-and-set: several workers are safe). */
@Injectable()
export class PresenceScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(PresenceScheduler.name);

  constructor(
    private readonly presence: DevicePresenceService,
    private readonly feed: PresenceFeed,
    private readonly scheduler: Scheduler,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.feed.gatewayHeartbeats) return; // AWS IoT Core reports disconnects itself
    this.scheduler.every('presence sweep', (this.config.PRESENCE_HEARTBEAT_SECONDS * 1000) / 2, async () => {
      const ids = await this.presence.sweepSilent();
      if (ids.length) this.logger.log({ count: ids.length }, 'silent devices marked OFFLINE');
    });
  }
}
