import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DeviceRegistration } from '@edgefleet/devices';
import { Clock, Scheduler } from '@edgefleet/runtime';

const EVERY_MS = 30_000;

/** Marks devices whose 5-minute bundle expired unused as FAILED (compare-and-set makes several workers safe). */
@Injectable()
export class ClaimExpiryScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ClaimExpiryScheduler.name);

  constructor(
    private readonly registration: DeviceRegistration,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every('claim expiry', EVERY_MS, async () => {
      const n = await this.registration.failExpiredClaims(this.clock.now());
      if (n > 0) this.logger.log({ count: n }, 'devices failed: bundle expired unused');
    });
  }
}
