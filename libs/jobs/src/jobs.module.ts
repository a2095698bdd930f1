import { Module } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { OrganizationsModule } from '@edgefleet/organizations';
import { DeviceJobService } from './device-job.service';
import { JobEventsPublisher } from './job-events.publisher';
import { JobExecutionService } from './job-execution.service';
import { JobSweeper } from './job-sweeper.service';
import { RolloutService } from './rollout.service';
import { SoftwareImageService } from './software-image.service';
import { UrlSigner } from './url-signer';

const services = [SoftwareImageService, DeviceJobService, JobExecutionService, JobSweeper, RolloutService, JobEventsPublisher];

/** Software images, device jobs, their execution by devices, and rollouts: used by the api, the worker and the gateway. */
@Module({
  imports: [OrganizationsModule],
  providers: [...services, { provide: UrlSigner, inject: [CONFIG], useFactory: (config: Config) => new UrlSigner(config) }],
  exports: services,
})
export class JobsModule {}
