import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { Config } from '@edgefleet/config';
import { GatewayModule } from './gateway.module';

/** The device gateway as a Nest application context (MQTT only, no HTTP). */
export async function createGateway(config: Config): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(GatewayModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  return app;
}
