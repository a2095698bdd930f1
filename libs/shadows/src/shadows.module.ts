import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@edgefleet/config';
import { IotModule } from '@edgefleet/iot';
import { OrganizationsModule } from '@edgefleet/organizations';
import { ShadowManagementService } from './shadow-management.service';

/** Shadows for operators and workers: reads and desired updates, on the configured backend's shadow store. */
@Module({})
export class DeviceShadowsModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: DeviceShadowsModule,
      imports: [IotModule.forRoot(config), OrganizationsModule],
      providers: [ShadowManagementService],
      exports: [ShadowManagementService],
    };
  }
}
