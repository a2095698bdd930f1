import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@edgefleet/config';
import { DevicesModule } from '@edgefleet/devices';
import { IotModule } from '@edgefleet/iot';
import { OrganizationsModule } from '@edgefleet/organizations';
import { ProvisioningService } from './provisioning.service';

@Module({})
export class ProvisioningModule {
  /** ProvisionDevice, DeleteDevice's revocation and claim expiry, on the configured IoT backend. */
  static forRoot(config: Config): DynamicModule {
    const iot = IotModule.forRoot(config);
    return {
      module: ProvisioningModule,
      imports: [iot, DevicesModule, OrganizationsModule],
      providers: [ProvisioningService],
      exports: [ProvisioningService, iot],
    };
  }
}
