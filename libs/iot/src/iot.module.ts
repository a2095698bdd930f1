import { IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { type DynamicModule, Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG, type Config } from '@edgefleet/config';
import { PrismaService } from '@edgefleet/db';
import { CertificateAuthority } from '@edgefleet/pki';
import { AwsIotBackend } from './aws-iot.backend';
import { AwsJobsClient } from './aws-jobs.client';
import { AwsShadowClient } from './aws-shadow.client';
import { IotBackend } from './iot-backend.port';
import { LocalIotBackend } from './local-iot.backend';
import { MqttPublisher } from './mqtt.publisher';

export const caDirectory = (config: Config) => path.resolve(config.DATA_DIR, 'pki');

/** Picks the IoT adapter from IOT_BACKEND. The local one also exposes its CertificateAuthority. */
@Module({})
export class IotModule {
  static forRoot(config: Config): DynamicModule {
    if (config.IOT_BACKEND === 'aws') {
      return {
        module: IotModule,
        providers: [
          {
            provide: IotBackend,
            inject: [IoTClient, IoTDataPlaneClient],
            useFactory: (iot: IoTClient, data: IoTDataPlaneClient) => {
              if (!config.AWS_IOT_ROOT_CA_FILE) throw new Error('IOT_BACKEND=aws needs AWS_IOT_ROOT_CA_FILE (the Amazon root CA devices trust).');
              return new AwsIotBackend(iot, data, {
                templateName: config.PROVISIONING_TEMPLATE,
                rootCaPem: readFileSync(config.AWS_IOT_ROOT_CA_FILE, 'utf8'),
              });
            },
          },
          { provide: IoTClient, useFactory: () => new IoTClient({ region: config.AWS_REGION }) },
          { provide: IoTDataPlaneClient, useFactory: () => new IoTDataPlaneClient({ region: config.AWS_REGION }) },
          { provide: AwsJobsClient, inject: [IoTClient], useFactory: (iot: IoTClient) => new AwsJobsClient(iot) },
          { provide: AwsShadowClient, inject: [IoTDataPlaneClient], useFactory: (data: IoTDataPlaneClient) => new AwsShadowClient(data) },
        ],
        exports: [IotBackend, AwsShadowClient, AwsJobsClient],
      };
    }
    return {
      module: IotModule,
      providers: [
        { provide: CertificateAuthority, useFactory: () => CertificateAuthority.loadOrCreate(caDirectory(config)) },
        {
          provide: IotBackend,
          inject: [CONFIG, PrismaService, CertificateAuthority],
          useFactory: (c: Config, prisma: PrismaService, ca: CertificateAuthority) =>
            new LocalIotBackend(c, prisma, ca, new Redis(c.REDIS_URL, { maxRetriesPerRequest: 3 })),
        },
        { provide: MqttPublisher, useFactory: () => new MqttPublisher(config.GATEWAY_REDIS_URL) },
      ],
      exports: [IotBackend, CertificateAuthority, MqttPublisher],
    };
  }
}
