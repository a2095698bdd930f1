import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { defaultErrorFormatter } from 'mercurius';
import { LoggerModule } from 'nestjs-pino';
import type { Config } from '@edgefleet/config';
import { RuntimeModule } from '@edgefleet/runtime';
import { TelemetryModule } from '@edgefleet/telemetry';
import { DbModule } from '@edgefleet/db';
import { DevicesModule } from '@edgefleet/devices';
import { DomainError } from '@edgefleet/domain';
import { OrganizationsModule } from '@edgefleet/organizations';
import { SecretsModule } from '@edgefleet/secrets';
import { JobsModule } from '@edgefleet/jobs';
import { PackagesModule } from '@edgefleet/packages';
import { StreamsModule } from '@edgefleet/streams';
import { ApplicationsModule } from '@edgefleet/applications';
import { ProvisioningModule } from '@edgefleet/provisioning';
import { DeviceShadowsModule } from '@edgefleet/shadows';
import { DeviceConnectionResolver, DeviceResolver } from './devices/device.resolver';
import { ProvisioningResolver } from './devices/provisioning.resolver';
import { DeviceUpdatesBridge } from './devices/device-updates.bridge';
import { DeviceShadowResolver } from './devices/device-shadow.resolver';
import type { RequestContext } from './graphql/caller.decorator';
import { GraphqlErrorFilter, toGraphqlError, withErrorCodes } from './graphql/graphql-errors';
import { redactSecrets } from './graphql/log-redaction';
import { assertQueryCost, mutationCount, queryLimitRules } from './graphql/query-limits';
import { RequestAuthService } from './graphql/request-auth.service';
import { assertInstallationScope } from './organizations/installation-admin';
import { OrganizationAdminResolver } from './organizations/organization-admin.resolver';
import { HealthController } from './health/health.controller';
import { ApiKeyResolver } from './organizations/api-key.resolver';
import { JobUpdatesBridge } from './jobs/job-updates.bridge';
import { JobsResolver, RolloutFieldsResolver } from './jobs/jobs.resolver';
import { CatalogueResolver, PackageFieldsResolver } from './catalogue/catalogue.resolver';
import { ApplicationsResolver } from './applications/applications.resolver';
import { ApplicationUpdatesBridge } from './applications/application-updates.bridge';
import { AccessKeyService } from './panorama/access-key.service';
import { PanoramaOperations } from './panorama/panorama.operations';

@Module({ imports: [OrganizationsModule, SecretsModule], providers: [RequestAuthService, AccessKeyService], exports: [RequestAuthService, AccessKeyService] })
class RequestAuthModule {}

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
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.query.signature'],
            // Every line, whichever path wrote it (errors, their stacks, URLs), loses signatures and API keys last.
            hooks: { streamWrite: redactSecrets },
            autoLogging: { ignore: (req) => req.url === '/health' },
          },
        }),
        DbModule,
        OrganizationsModule,
        RequestAuthModule,
        DevicesModule,
        ProvisioningModule.forRoot(config),
        DeviceShadowsModule.forRoot(config),
        JobsModule,
        PackagesModule,
        StreamsModule,
        ApplicationsModule.forRoot(config),
        GraphQLModule.forRootAsync<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          imports: [RequestAuthModule],
          inject: [RequestAuthService],
          useFactory: (auth: RequestAuthService) => ({
            autoSchemaFile: true,
            sortSchema: true,
            // Mercurius's GraphiQL loads React and GraphiQL from a CDN; /graphiql serves the bundled one (console.routes.ts).
            graphiql: false,
            path: '/graphql',
            errorFormatter: (execution, ctx) => withErrorCodes(defaultErrorFormatter(execution, ctx)),
            graphql: { parseOptions: { maxTokens: config.GRAPHQL_MAX_TOKENS } },
            // A query seen once more is compiled to a function (graphql-jit): execution of a page of 50 devices was a third of the api's CPU.
            jit: 1,
            validationRules: queryLimitRules(config),
            subscription: {
              // graphql-ws: the API key comes in the connection_init payload; a bad key closes the socket.
              onConnect: async ({ payload }: { payload?: Record<string, string> }) => ({
                principal: await auth.authenticate(payload?.authorization ?? payload?.Authorization, 0),
              }),
            },
            hooks: {
              // Every operation is priced, authenticated and rate limited before any resolver runs.
              preExecution: async (schema, document, context, variables) => {
                try {
                  const { request } = context.reply;
                  const { operationName } = (request.body ?? request.query ?? {}) as { operationName?: string };
                  assertQueryCost(schema, document, variables, operationName, config.GRAPHQL_MAX_COST);
                  if (assertInstallationScope(config, request.headers.authorization, document, operationName)) {
                    (context as unknown as { installation: boolean }).installation = true;
                    return;
                  }
                  const mutations = mutationCount(document, operationName);
                  const principal = await auth.authenticate(request.headers.authorization, mutations);
                  if (mutations > 0 && principal.role === 'VIEWER') {
                    throw new DomainError('ROLE_REQUIRED', 'A VIEWER key can only read; use an OPERATOR or ADMIN key to change things.');
                  }
                  (context as unknown as RequestContext).principal = principal;
                } catch (err) {
                  throw toGraphqlError(err);
                }
              },
            },
          }),
        }),
      ],
      controllers: [HealthController],
      providers: [OrganizationAdminResolver, DeviceResolver, DeviceConnectionResolver, ProvisioningResolver, DeviceUpdatesBridge, DeviceShadowResolver, ApiKeyResolver, JobsResolver, RolloutFieldsResolver, JobUpdatesBridge, CatalogueResolver, PackageFieldsResolver, ApplicationsResolver, ApplicationUpdatesBridge, PanoramaOperations, { provide: APP_FILTER, useClass: GraphqlErrorFilter }],
    };
  }
}
