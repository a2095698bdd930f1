import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@edgefleet/config';
import { IotModule } from '@edgefleet/iot';
import { OrganizationsModule } from '@edgefleet/organizations';
import { DeviceShadowService } from './device-shadow.service';
import { ShadowService } from './shadow.service';

/** The Device Shadow service itself (served by the gateway). */
@Module({ providers: [ShadowService], exports: [ShadowService] })
export class ShadowsModule {}

/** Shadows for operators and workers (local backend): reads, desired updates, deltas to the device. */
@Module({})
export class DeviceShadowsModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: DeviceShadowsModule,
      imports: [ShadowsModule, IotModule.forRoot(config), OrganizationsModule],
      providers: [DeviceShadowService],
      exports: [DeviceShadowService],
    };
  }
}
