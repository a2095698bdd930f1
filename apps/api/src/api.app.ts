import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { DeploymentSpecs, LogService } from '@edgefleet/applications';
import type { Config } from '@edgefleet/config';
import { SoftwareImageService, downloadPath, uploadPath } from '@edgefleet/jobs';
import { PackageFiles, PackageObjects, assetDownloadPath, assetUploadPath } from '@edgefleet/packages';
import { UrlSigner } from '@edgefleet/artifacts';
import { Metrics } from '@edgefleet/telemetry';
import { AccessKeyService, ApiKeyService, OrganizationService, RequestAdmission } from '@edgefleet/organizations';
import { Clock, RedisConnections } from '@edgefleet/runtime';
import { registerQueuesDashboard } from './admin/queues.dashboard';
import { registerDeploymentSpecRoutes } from './applications/deployment-specs.routes';
import { AppModule } from './app.module';
import { registerConsoleRoutes } from './console/console.routes';
import { registerApiMetrics } from './metrics/api.metrics';
import { StorableTextPipe } from './graphql/argument.pipes';
import { registerSignedFileRoutes } from './graphql/signed-file.routes';
import { registerLogsRoutes } from './panorama/logs.routes';
import { PanoramaOperations } from './panorama/panorama.operations';
import { registerPanoramaRoutes } from './panorama/panorama.routes';
import { registerS3Routes } from './panorama/s3.routes';
import { registerStsRoutes } from './panorama/sts.routes';
import { TunnelRelay, registerTunnelEndpoint } from './tunnels/tunnel.endpoint';
import { registerTunnelingRoutes } from './tunnels/tunneling.routes';
import { TunnelService } from '@edgefleet/tunnels';
import { ClipService, clipContentPath } from '@edgefleet/clips';
import { RoleAliasService, SessionGrants } from '@edgefleet/credentials';
import { CredentialsBackend, gatewayEndpoint } from '@edgefleet/iot';
import { registerIotRoutes } from './credentials/iot.routes';
import { GroupService } from '@edgefleet/groups';

/** Builds the api (not yet listening): used by main.ts and by the tests. */
export async function createApi(config: Config): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: 1024 * 1024, trustProxy: config.TRUSTED_PROXIES }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new StorableTextPipe());
  const fastify = app.getHttpAdapter().getInstance();
  // Before GraphQL's subscriptions, which then share its WebSocket server.
  await registerTunnelEndpoint(fastify, app.get(TunnelService), app.get(TunnelRelay));
  registerApiMetrics(fastify, app.get(Metrics));
  const queues = await registerQueuesDashboard(fastify, { config, apiKeys: app.get(ApiKeyService), organizations: app.get(OrganizationService), redis: app.get(RedisConnections) });
  fastify.addHook('onClose', async () => void (await Promise.all(queues.map((q) => q.close()))));
  await registerConsoleRoutes(fastify, { graphiql: config.GRAPHIQL });
  const images = app.get(SoftwareImageService);
  const packageFiles = app.get(PackageFiles);
  const signer = app.get(UrlSigner);
  const clips = app.get(ClipService);
  registerSignedFileRoutes(fastify, [
    {
      downloadRoute: '/images/download/:id',
      downloadPath,
      signer,
      blob: (sha256) => images.blob(sha256),
      upload: {
        route: '/images/upload/:id',
        path: uploadPath,
        receive: async (id, body, length) => {
          const image = await images.receiveUpload(id, body, length);
          return { version: image.version, sha256: image.sha256, size: image.size };
        },
      },
    },
    {
      downloadRoute: '/packages/assets/download/:id',
      downloadPath: assetDownloadPath,
      signer,
      blob: (sha256) => packageFiles.blob(sha256),
      upload: { route: '/packages/assets/upload/:id', path: assetUploadPath, receive: (id, body) => packageFiles.receiveUpload(id, body) },
    },
    // Camera clips, for players: the URL clips(...) answers.
    { downloadRoute: '/clips/:id/content', downloadPath: clipContentPath, signer, blob: (clipId) => clips.blob(clipId), contentType: 'video/mp4' },
  ]);
  registerDeploymentSpecRoutes(fastify, app.get(DeploymentSpecs), signer);
  // The AWS APIs, SigV4-signed with access keys: Panorama (restJson1) and CloudWatch Logs (JSON).
  const signed = { accessKeys: app.get(AccessKeyService), admission: app.get(RequestAdmission), config, clock: app.get(Clock) };
  registerPanoramaRoutes(fastify, app.get(PanoramaOperations).handlers, signed);
  registerLogsRoutes(fastify, app.get(LogService), signed);
  registerS3Routes(fastify, app.get(PackageObjects), clips, { ...signed, grants: app.get(SessionGrants) });
  registerStsRoutes(fastify, app.get(OrganizationService), signed);
  registerTunnelingRoutes(fastify, app.get(TunnelService), signed);
  const gateway = gatewayEndpoint(config);
  registerIotRoutes(fastify, app.get(RoleAliasService), app.get(GroupService), app.get(CredentialsBackend), `${gateway.host}:${gateway.port}`, signed);
  app.enableShutdownHooks();
  return app;
}
