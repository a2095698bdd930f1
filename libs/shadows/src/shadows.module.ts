import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { Config } from '@edgefleet/config';
import { DevicesModule } from '@edgefleet/devices';
import { IotModule, ShadowStore } from '@edgefleet/iot';
import { OrganizationsModule } from '@edgefleet/organizations';
import { LocalShadowStore } from './local-shadow.store';
import { ShadowDeviceApi } from './shadow-device-api.service';
import { ShadowManagementService } from './shadow-management.service';
import { ShadowRepository } from './shadow.repository';

/**
 * Device shadows: for operators and workers (ShadowManagementService, and the ShadowStore port on
 * the configured backend), and, on the local backend, for devices (ShadowDeviceApi, which the
 * gateway serves) with the shadows in Postgres.
 */
@Module({})
export class DeviceShadowsModule {
  static forRoot(config: Config): DynamicModule {
    const local = IotModule.localOnly<Provider>(config, [ShadowRepository, ShadowDeviceApi, { provide: ShadowStore, useClass: LocalShadowStore }]);
    return {
      module: DeviceShadowsModule,
      imports: [IotModule.forRoot(config), OrganizationsModule, DevicesModule],
      providers: [ShadowManagementService, ...local],
      exports: [IotModule, ShadowManagementService, ...IotModule.localOnly(config, [ShadowDeviceApi, ShadowStore])],
    };
  }
}
