import { IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { type DynamicModule, Module } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG, type Config } from '@edgefleet/config';
import { PrismaService } from '@edgefleet/db';
import { CertificateAuthority } from '@edgefleet/pki';
import { Clock, RedisConnections } from '@edgefleet/runtime';
import { AwsIotBackend } from './aws-iot.backend';
import { AwsJobsClient } from './aws-jobs.client';
import { AwsShadowClient } from './aws-shadow.client';
import { DeviceIdentities } from './device-identities.port';
import { AwsJobDispatch, JobDispatch, LocalJobDispatch } from './job-dispatch.port';
import { LocalIotBackend } from './local-iot.backend';
import { LocalShadowStore, ShadowDeviceApi } from './shadow-device-api.service';
import { MqttPublisher } from './mqtt.publisher';
import { AwsIotEventsFeed, GatewayPresenceFeed, PresenceFeed } from './presence-feed.port';
import { ShadowStore } from './shadow-store.port';

export const caDirectory = (config: Config) => path.resolve(config.DATA_DIR, 'pki');

const PORTS = [DeviceIdentities, ShadowStore, JobDispatch, PresenceFeed];

/**
 * The one place that reads IOT_BACKEND: it picks the adapters of every IoT port (device
 * identities, shadow store, job dispatch, presence feed). The local one also exposes its
 * CertificateAuthority and shadow service, which the gateway serves.
 */
@Module({})
export class IotModule {
  static forRoot(config: Config): DynamicModule {
    if (config.IOT_BACKEND === 'aws') {
      return {
        module: IotModule,
        providers: [
          {
            provide: DeviceIdentities,
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
          { provide: ShadowStore, inject: [IoTDataPlaneClient], useFactory: (data: IoTDataPlaneClient) => new AwsShadowClient(data) },
          { provide: JobDispatch, inject: [IoTClient], useFactory: (iot: IoTClient) => new AwsJobDispatch(new AwsJobsClient(iot)) },
          { provide: PresenceFeed, useFactory: () => new AwsIotEventsFeed(config) },
        ],
        exports: PORTS,
      };
    }
    return {
      module: IotModule,
      providers: [
        { provide: CertificateAuthority, useFactory: () => CertificateAuthority.loadOrCreate(caDirectory(config)) },
        {
          provide: DeviceIdentities,
          inject: [CONFIG, PrismaService, CertificateAuthority, RedisConnections, Clock],
          useFactory: (c: Config, prisma: PrismaService, ca: CertificateAuthority, redis: RedisConnections, clock: Clock) => new LocalIotBackend(c, prisma, ca, redis.shared, clock),
        },
        { provide: MqttPublisher, useFactory: () => new MqttPublisher(config.GATEWAY_REDIS_URL, config.REDIS_PREFIX) },
        ShadowDeviceApi,
        { provide: ShadowStore, inject: [ShadowDeviceApi, MqttPublisher], useFactory: (s: ShadowDeviceApi, m: MqttPublisher) => new LocalShadowStore(s, m) },
        { provide: JobDispatch, inject: [MqttPublisher], useFactory: (m: MqttPublisher) => new LocalJobDispatch(m) },
        { provide: PresenceFeed, useFactory: () => new GatewayPresenceFeed() },
      ],
      exports: [...PORTS, CertificateAuthority, MqttPublisher, ShadowDeviceApi],
    };
  }

  /** The gateway is the local backend's broker; with AWS IoT Core there is none to run. */
  static forGateway(config: Config): DynamicModule {
    if (config.IOT_BACKEND !== 'local') throw new Error('The gateway serves the local backend only; with IOT_BACKEND=aws, AWS IoT Core is the gateway.');
    return IotModule.forRoot(config);
  }
}
