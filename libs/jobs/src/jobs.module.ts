import { Module } from '@nestjs/common';
import { ArtifactsModule } from '@edgefleet/artifacts';
import { DevicesModule } from '@edgefleet/devices';
import { OrganizationsModule } from '@edgefleet/organizations';
import { DeviceJobRepository } from './device-job.repository';
import { JobManagementService } from './job-management.service';
import { JobEventsPublisher } from './job-events.publisher';
import { JobsDeviceApi } from './jobs-device-api.service';
import { JobSweeper } from './job-sweeper.service';
import { RolloutAdvancer } from './rollout-advancer.service';
import { RolloutRepository } from './rollout.repository';
import { RolloutService } from './rollout.service';
import { SoftwareImageRepository } from './software-image.repository';
import { SoftwareImageService } from './software-image.service';

const services = [SoftwareImageService, JobManagementService, JobsDeviceApi, JobSweeper, RolloutService, RolloutAdvancer, JobEventsPublisher];

/** Software images, device jobs, their execution by devices, and rollouts: used by the api, the worker and the gateway. */
@Module({
  imports: [OrganizationsModule, DevicesModule, ArtifactsModule],
  providers: [...services, RolloutRepository, DeviceJobRepository, SoftwareImageRepository],
  exports: services,
})
export class JobsModule {}
