import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ProvisioningService } from '@edgefleet/provisioning';

const EVERY_MS = 30_000;

/** Marks devices whose 5-minute bundle expired unused as FAILED (compare-and-set makes several workers safe). */
@Injectable()
export class ClaimExpiryScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ClaimExpiryScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly provisioning: ProvisioningService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.provisioning
        .failExpiredClaims()
        .then((n) => n > 0 && this.logger.log({ count: n }, 'devices failed: bundle expired unused'))
        .catch((err) => this.logger.error({ err }, 'claim expiry sweep failed'));
    }, EVERY_MS);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
