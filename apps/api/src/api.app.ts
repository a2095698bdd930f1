import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { Config } from '@edgefleet/config';
import { SoftwareImageService } from '@edgefleet/jobs';
import { AppModule } from './app.module';
import { StorableTextPipe } from './graphql/argument.pipes';
import { registerImageRoutes } from './jobs/image.routes';

/** Builds the api (not yet listening): used by main.ts and by the tests. */
export async function createApi(config: Config): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: 1024 * 1024, trustProxy: true }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new StorableTextPipe());
  registerImageRoutes(app.getHttpAdapter().getInstance(), app.get(SoftwareImageService));
  app.enableShutdownHooks();
  return app;
}
