import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@edgefleet/config';
import { IotModule } from '@edgefleet/iot';
import { OrganizationsModule } from '@edgefleet/organizations';
import { PackagesModule } from '@edgefleet/packages';
import { SecretsModule } from '@edgefleet/secrets';
import { ApplicationEventsPublisher } from './application-events.publisher';
import { ApplicationInstanceService } from './application-instance.service';
import { DeploymentService } from './deployment.service';
import { DeviceApplicationsApi } from './device-applications-api.service';
import { LogService } from './log.service';
import { ApplicationRolloutDeployments } from './rollout-deployments.service';
import { RolloutDeployments } from '@edgefleet/jobs';

const services = [ApplicationInstanceService, DeploymentService, DeviceApplicationsApi, LogService, ApplicationEventsPublisher];

/** Application instances: created by the api, deployed by the worker through the `applications` shadow, run by the edge agent. */
@Module({})
export class ApplicationsModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: ApplicationsModule,
      // Global: rollouts (libs/jobs) find their deployments port wherever this module runs.
      global: true,
      imports: [IotModule.forRoot(config), OrganizationsModule, PackagesModule, SecretsModule],
      providers: [...services, { provide: RolloutDeployments, useClass: ApplicationRolloutDeployments }],
      exports: [...services, RolloutDeployments],
    };
  }
}
