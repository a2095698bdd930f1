import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@edgefleet/config';
import { DevicesModule } from '@edgefleet/devices';
import { IotModule } from '@edgefleet/iot';
import { OrganizationsModule } from '@edgefleet/organizations';
import { ClaimCertificates } from './claim-certificates.service';
import { DeviceAuthentication } from './device-authentication.service';
import { FleetProvisioningService } from './fleet-provisioning.service';
import { ProvisioningService } from './provisioning.service';

@Module({})
export class ProvisioningModule {
  /**
   * ProvisionDevice, DeleteDevice's revocation and purge, on the configured IoT backend; on the
   * local one also fleet provisioning by claim and device authentication, which the gateway serves.
   */
  static forRoot(config: Config): DynamicModule {
    const iot = IotModule.forRoot(config);
    const local = IotModule.localOnly(config, [ClaimCertificates, FleetProvisioningService, DeviceAuthentication]);
    return {
      module: ProvisioningModule,
      imports: [iot, DevicesModule, OrganizationsModule],
      providers: [ProvisioningService, ...local],
      exports: [ProvisioningService, iot, ...local],
    };
  }
}
