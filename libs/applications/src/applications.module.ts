import { type DynamicModule, Module } from '@nestjs/common';
import { ArtifactsModule } from '@edgefleet/artifacts';
import type { Config } from '@edgefleet/config';
import { DevicesModule } from '@edgefleet/devices';
import { GroupsModule } from '@edgefleet/groups';
import { JobsModule, RolloutDeployments } from '@edgefleet/jobs';
import { OrganizationsModule } from '@edgefleet/organizations';
import { PackagesModule } from '@edgefleet/packages';
import { DeviceShadowsModule } from '@edgefleet/shadows';
import { StreamsModule } from '@edgefleet/streams';
import { ApplicationEventsPublisher } from './application-events.publisher';
import { ApplicationInstanceRepository } from './application-instance.repository';
import { ApplicationInstanceService } from './application-instance.service';
import { DeploymentQuotas } from './deployment-quotas.service';
import { DeploymentSpecs } from './deployment-specs.service';
import { DeploymentService } from './deployment.service';
import { DeviceApplicationsApi } from './device-applications-api.service';
import { GroupDeploymentRepository } from './group-deployment.repository';
import { GroupDeployments } from './group-deployments.service';
import { LogRepository } from './log.repository';
import { LogService } from './log.service';
import { ApplicationRolloutDeployments } from './rollout-deployments.service';

const services = [ApplicationInstanceService, DeploymentService, DeploymentSpecs, DeviceApplicationsApi, LogService, ApplicationEventsPublisher, GroupDeployments];

/** Application instances: created by the api, deployed by the worker through the `applications` shadow, run by the edge agent. */
@Module({})
export class ApplicationsModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: ApplicationsModule,
      // Global: rollouts (libs/jobs) find their deployments port wherever this module runs.
      global: true,
      imports: [DeviceShadowsModule.forRoot(config), OrganizationsModule, DevicesModule, PackagesModule, StreamsModule, ArtifactsModule, GroupsModule, JobsModule],
      providers: [...services, ApplicationInstanceRepository, GroupDeploymentRepository, LogRepository, DeploymentQuotas, { provide: RolloutDeployments, useClass: ApplicationRolloutDeployments }],
      exports: [...services, RolloutDeployments],
    };
  }
}
