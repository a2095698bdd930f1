import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { CONFIG, type Config } from '@edgefleet/config';
import { DbModule } from '@edgefleet/db';
import { DeviceEventsPublisher, DevicesModule } from '@edgefleet/devices';
import { JobExecutionService, JobsModule } from '@edgefleet/jobs';
import { FleetProvisioningService, ProvisioningModule } from '@edgefleet/provisioning';
import { ShadowService, ShadowsModule } from '@edgefleet/shadows';
import { DeviceIdentityService } from './device-identity.service';
import { DeviceTopicRouter, deviceTopicRoutes } from './device-topic.router';
import { MqttGateway } from './mqtt-gateway';

@Module({})
export class GatewayModule {
  static forRoot(config: Config): DynamicModule {
    if (config.IOT_BACKEND !== 'local') throw new Error('The gateway serves the local backend only; with IOT_BACKEND=aws, AWS IoT Core is the gateway.');
    return {
      module: GatewayModule,
      imports: [
        { module: class ConfigModule {}, global: true, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] },
        LoggerModule.forRoot({ pinoHttp: { level: config.LOG_LEVEL } }),
        DbModule,
        ProvisioningModule.forRoot(config),
        ShadowsModule,
        DevicesModule,
        JobsModule,
      ],
      providers: [
        MqttGateway,
        DeviceIdentityService,
        {
          provide: DeviceTopicRouter,
          inject: [FleetProvisioningService, ShadowService, JobExecutionService, DeviceEventsPublisher],
          useFactory: (provisioning: FleetProvisioningService, shadows: ShadowService, jobs: JobExecutionService, events: DeviceEventsPublisher) =>
            new DeviceTopicRouter(deviceTopicRoutes({ provisioning, shadows, jobs, events }), config.MQTT_MAX_PAYLOAD_BYTES),
        },
      ],
    };
  }
}
