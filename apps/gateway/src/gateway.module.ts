import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { CONFIG, type Config } from '@edgefleet/config';
import { DbModule } from '@edgefleet/db';
import { DevicesModule } from '@edgefleet/devices';
import { JobsModule } from '@edgefleet/jobs';
import { ProvisioningModule } from '@edgefleet/provisioning';
import { ShadowsModule } from '@edgefleet/shadows';
import { DeviceIdentityService } from './device-identity.service';
import { FleetProvisioningHandler } from './fleet-provisioning.handler';
import { MqttGateway } from './mqtt-gateway';
import { JobsHandler } from './jobs.handler';
import { ShadowHandler } from './shadow.handler';

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
      providers: [MqttGateway, DeviceIdentityService, FleetProvisioningHandler, ShadowHandler, JobsHandler],
    };
  }
}
