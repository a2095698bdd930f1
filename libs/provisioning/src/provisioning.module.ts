import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@edgefleet/config';
import { DevicesModule } from '@edgefleet/devices';
import { IotModule } from '@edgefleet/iot';
import { OrganizationsModule } from '@edgefleet/organizations';
import { FleetProvisioningService } from './fleet-provisioning.service';
import { ProvisioningService } from './provisioning.service';

@Module({})
export class ProvisioningModule {
  /** ProvisionDevice for the api; with the local backend, also the fleet-provisioning service the gateway serves. */
  static forRoot(config: Config): DynamicModule {
    const iot = IotModule.forRoot(config);
    const providers = config.IOT_BACKEND === 'local' ? [ProvisioningService, FleetProvisioningService] : [ProvisioningService];
    return {
      module: ProvisioningModule,
      imports: [iot, DevicesModule, OrganizationsModule],
      providers,
      exports: [...providers, iot],
    };
  }
}
