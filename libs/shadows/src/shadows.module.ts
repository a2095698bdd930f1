import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@edgefleet/config';
import { AwsShadowClient, IotModule, MqttPublisher } from '@edgefleet/iot';
import { OrganizationsModule } from '@edgefleet/organizations';
import { DeviceShadowService, LocalShadowBackend, ShadowBackend } from './device-shadow.service';
import { ShadowService } from './shadow.service';

/** The Device Shadow service itself (served by the gateway). */
@Module({ providers: [ShadowService], exports: [ShadowService] })
export class ShadowsModule {}

/** Shadows for operators and workers: reads and desired updates, on the configured backend. */
@Module({})
export class DeviceShadowsModule {
  static forRoot(config: Config): DynamicModule {
    const backend =
      config.IOT_BACKEND === 'aws'
        ? { provide: ShadowBackend, inject: [AwsShadowClient], useFactory: (aws: AwsShadowClient) => aws }
        : { provide: ShadowBackend, inject: [ShadowService, MqttPublisher], useFactory: (s: ShadowService, m: MqttPublisher) => new LocalShadowBackend(s, m) };
    return {
      module: DeviceShadowsModule,
      imports: [ShadowsModule, IotModule.forRoot(config), OrganizationsModule],
      providers: [backend, DeviceShadowService],
      exports: [DeviceShadowService],
    };
  }
}
