import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { LoggerModule } from 'nestjs-pino';
import type { Config } from '@edgefleet/config';
import { RuntimeModule } from '@edgefleet/runtime';
import { TelemetryModule } from '@edgefleet/telemetry';
import { DbModule } from '@edgefleet/db';
import { DevicesModule } from '@edgefleet/devices';
import { AccessModule, ApiKeyService, OrganizationsModule, RequestAdmission } from '@edgefleet/organizations';
import { JobsModule } from '@edgefleet/jobs';
import { PackagesModule } from '@edgefleet/packages';
import { StreamsModule } from '@edgefleet/streams';
import { ApplicationsModule } from '@edgefleet/applications';
import { ProvisioningModule } from '@edgefleet/provisioning';
import { DeviceShadowsModule } from '@edgefleet/shadows';
import { TunnelsModule } from '@edgefleet/tunnels';
import { ClipsModule } from '@edgefleet/clips';
import { GroupsModule } from '@edgefleet/groups';
import { CredentialsModule } from '@edgefleet/credentials';
import { DeviceConnectionResolver, DeviceResolver } from './devices/device.resolver';
import { ProvisioningResolver } from './devices/provisioning.resolver';
import { DeviceUpdatesBridge } from './devices/device-updates.bridge';
import { DeviceShadowFieldResolver, DeviceShadowResolver } from './devices/device-shadow.resolver';
import { GraphqlErrorFilter } from './graphql/graphql-errors';
import { graphqlOptions } from './graphql/graphql.options';
import { redactSecrets } from '@edgefleet/domain';
import { OrganizationAdminResolver } from './organizations/organization-admin.resolver';
import { TunnelsResolver } from './tunnels/tunnels.resolver';
import { CredentialsResolver } from './credentials/credentials.resolver';
import { DeploymentFieldsResolver, GroupsResolver, ThingGroupFieldsResolver } from './groups/groups.resolver';
import { TunnelRelay } from './tunnels/tunnel.endpoint';
import { HealthController } from './health/health.controller';
import { ApiKeyResolver } from './organizations/api-key.resolver';
import { JobUpdatesBridge } from './jobs/job-updates.bridge';
import { JobsResolver, RolloutFieldsResolver } from './jobs/jobs.resolver';
import { CatalogueResolver, PackageFieldsResolver } from './catalogue/catalogue.resolver';
import { ApplicationInstanceFieldsResolver, ApplicationsResolver } from './applications/applications.resolver';
import { ApplicationUpdatesBridge } from './applications/application-updates.bridge';
import { PanoramaApplicationOperations, PanoramaCatalogueOperations, PanoramaDeviceOperations, PanoramaOperations } from './panorama/panorama.operations';

@Module({})
export class AppModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot(config),
        TelemetryModule.forRoot({ app: 'api', host: config.METRICS_HOST, port: config.API_METRICS_PORT, portVariable: 'API_METRICS_PORT' }),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.query.signature', 'req.headers["access-token"]', 'req.headers["client-token"]'],
            // Every line, whichever path wrote it (errors, their stacks, URLs), loses signatures and API keys last.
            hooks: { streamWrite: redactSecrets },
            autoLogging: { ignore: (req) => req.url === '/health' },
          },
        }),
        DbModule,
        OrganizationsModule,
        AccessModule,
        DevicesModule,
        ProvisioningModule.forRoot(config),
        DeviceShadowsModule.forRoot(config),
        JobsModule,
        PackagesModule,
        StreamsModule,
        ApplicationsModule.forRoot(config),
        TunnelsModule.forRoot(config),
        CredentialsModule.forRoot(config),
        ClipsModule,
        GroupsModule,
        GraphQLModule.forRootAsync<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          imports: [AccessModule],
          inject: [ApiKeyService, RequestAdmission],
          useFactory: (apiKeys: ApiKeyService, admission: RequestAdmission) => graphqlOptions(config, apiKeys, admission),
        }),
      ],
      controllers: [HealthController],
      providers: [OrganizationAdminResolver, DeviceResolver, DeviceConnectionResolver, ProvisioningResolver, DeviceUpdatesBridge, DeviceShadowResolver, DeviceShadowFieldResolver, ApiKeyResolver, JobsResolver, RolloutFieldsResolver, JobUpdatesBridge, CatalogueResolver, PackageFieldsResolver, ApplicationsResolver, ApplicationInstanceFieldsResolver, ApplicationUpdatesBridge, PanoramaDeviceOperations, PanoramaCatalogueOperations, PanoramaApplicationOperations, PanoramaOperations, TunnelsResolver, TunnelRelay, CredentialsResolver, GroupsResolver, ThingGroupFieldsResolver, DeploymentFieldsResolver, { provide: APP_FILTER, useClass: GraphqlErrorFilter }],
    };
  }
}
