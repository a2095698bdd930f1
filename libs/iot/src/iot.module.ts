import { IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { type DynamicModule, Module } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG, type Config } from '@edgefleet/config';
import { CertificateAuthority } from '@edgefleet/pki';
import { Clock, RedisConnections } from '@edgefleet/runtime';
import { AwsIotBackend } from './aws-iot.backend';
import { AwsJobsClient } from './aws-jobs.client';
import { AwsShadowClient } from './aws-shadow.client';
import { CertificateRepository } from './certificate.repository';
import { DeviceIdentities } from './device-identities.port';
import { AwsJobDispatch, JobDispatch, LocalJobDispatch } from './job-dispatch.port';
import { LocalIotBackend } from './local-iot.backend';
import { MqttPublisher } from './mqtt.publisher';
import { AwsIotEventsFeed, GatewayPresenceFeed, PresenceFeed } from './presence-feed.port';
import { AwsCredentials, LocalCredentials, CredentialsBackend } from './credentials-backend.port';
import { ShadowStore } from './shadow-store.port';
import { gatewayRedisOf } from './thing-routed.emitter';
import { AwsTunnelNotifier, GatewayTunnelNotifier, TunnelNotifier } from './tunnel-notifier.port';

export const caDirectory = (config: Config) => path.resolve(config.DATA_DIR, 'pki');

const PORTS = [DeviceIdentities, JobDispatch, PresenceFeed, TunnelNotifier, CredentialsBackend];

/**
 * The one place that reads IOT_BACKEND: it picks the adapters of every IoT port (device
 * identities, shadow store, job dispatch, presence feed). The local one also exposes its
 * CertificateAuthority, certificate registry and MQTT publisher, which the gateway and the
 * shadows feature (the local shadow store, see `localOnly`) build on.
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
          { provide: TunnelNotifier, useFactory: () => new AwsTunnelNotifier() },
          { provide: CredentialsBackend, inject: [IoTClient], useFactory: (iot: IoTClient) => new AwsCredentials(iot, config.AWS_REGION) },
        ],
        exports: [...PORTS, ShadowStore],
      };
    }
    return {
      module: IotModule,
      providers: [
        { provide: CertificateAuthority, useFactory: () => CertificateAuthority.loadOrCreate(caDirectory(config)) },
        CertificateRepository,
        {
          provide: DeviceIdentities,
          inject: [CONFIG, CertificateRepository, CertificateAuthority, RedisConnections, Clock],
          useFactory: (c: Config, certificates: CertificateRepository, ca: CertificateAuthority, redis: RedisConnections, clock: Clock) => new LocalIotBackend(c, certificates, ca, redis.shared, clock),
        },
        { provide: MqttPublisher, useFactory: () => new MqttPublisher(gatewayRedisOf(config), config.REDIS_PREFIX) },
        { provide: JobDispatch, inject: [MqttPublisher, Clock], useFactory: (m: MqttPublisher, clock: Clock) => new LocalJobDispatch(m, clock) },
        { provide: PresenceFeed, useFactory: () => new GatewayPresenceFeed() },
        { provide: TunnelNotifier, inject: [MqttPublisher], useFactory: (m: MqttPublisher) => new GatewayTunnelNotifier(m) },
        { provide: CredentialsBackend, useFactory: () => new LocalCredentials(config) },
      ],
      exports: [...PORTS, CertificateAuthority, CertificateRepository, MqttPublisher],
    };
  }

  /** Providers that exist on the local backend only (the local shadow store, served from our Postgres); none with AWS IoT Core. */
  static localOnly<T>(config: Config, providers: T[]): T[] {
    return config.IOT_BACKEND === 'local' ? providers : [];
  }

  /** The gateway is the local backend's broker; with AWS IoT Core there is none to run. */
  static forGateway(config: Config): DynamicModule {
    if (config.IOT_BACKEND !== 'local') throw new Error('The gateway serves the local backend only; with IOT_BACKEND=aws, AWS IoT Core is the gateway.');
    return IotModule.forRoot(config);
  }
}
