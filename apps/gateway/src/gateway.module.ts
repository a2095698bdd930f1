import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Config } from '@edgefleet/config';
import { Clock, RuntimeModule } from '@edgefleet/runtime';
import { OPS_HEALTH, TelemetryModule } from '@edgefleet/telemetry';
import { DbModule } from '@edgefleet/db';
import { ApplicationsModule, DeviceApplicationsApi } from '@edgefleet/applications';
import { DeviceEventsPublisher, DevicesModule, SystemReports } from '@edgefleet/devices';
import { JobsDeviceApi, JobsModule } from '@edgefleet/jobs';
import { CredentialsModule } from '@edgefleet/credentials';
import { IotModule } from '@edgefleet/iot';
import { OrganizationsModule } from '@edgefleet/organizations';
import { ClaimCertificates, FleetProvisioningService, ProvisioningModule } from '@edgefleet/provisioning';
import { DeviceShadowsModule, ShadowDeviceApi } from '@edgefleet/shadows';
import { CredentialsProvider } from './credentials-provider';
import { DeviceIdentityService } from './device-identity.service';
import { DeviceRequestLimiter } from './device-request.limiter';
import { DeviceTopicRouter, deviceTopicRoutes } from './device-topic.router';
import { GatewayMetrics } from './gateway.metrics';
import { MqttGateway } from './mqtt-gateway';

@Module({})
export class GatewayModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        RuntimeModule.forRoot(config),
        TelemetryModule.forRoot({ app: 'gateway', host: config.METRICS_HOST, port: config.GATEWAY_METRICS_PORT, portVariable: 'GATEWAY_METRICS_PORT' }),
        LoggerModule.forRoot({ pinoHttp: { level: config.LOG_LEVEL } }),
        DbModule,
        IotModule.forGateway(config),
        ProvisioningModule.forRoot(config),
        DeviceShadowsModule.forRoot(config),
        OrganizationsModule,
        DevicesModule,
        JobsModule,
        ApplicationsModule.forRoot(config),
        CredentialsModule.forDevices(),
      ],
      providers: [
        MqttGateway,
        CredentialsProvider,
        GatewayMetrics,
        { provide: OPS_HEALTH, inject: [GatewayMetrics], useFactory: (m: GatewayMetrics) => m.health },
        DeviceIdentityService,
        {
          provide: DeviceRequestLimiter,
          inject: [Clock],
          useFactory: (clock: Clock) => new DeviceRequestLimiter({ requestsPerSecond: config.DEVICE_REQUESTS_PER_SECOND, burst: config.DEVICE_REQUEST_BURST }, clock),
        },
        {
          provide: DeviceTopicRouter,
          inject: [ClaimCertificates, FleetProvisioningService, ShadowDeviceApi, SystemReports, JobsDeviceApi, DeviceEventsPublisher, DeviceApplicationsApi, DeviceRequestLimiter, GatewayMetrics, Clock],
          useFactory: (
            claims: ClaimCertificates,
            provisioning: FleetProvisioningService,
            shadows: ShadowDeviceApi,
            systemReports: SystemReports,
            jobs: JobsDeviceApi,
            events: DeviceEventsPublisher,
            applications: DeviceApplicationsApi,
            limiter: DeviceRequestLimiter,
            metrics: GatewayMetrics,
            clock: Clock,
          ) => new DeviceTopicRouter(deviceTopicRoutes({ claims, provisioning, shadows, systemReports, jobs, events, applications, clock }), config.MQTT_MAX_PAYLOAD_BYTES, limiter, metrics.observeRequest),
        },
      ],
    };
  }
}
