import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Config } from '@edgefleet/config';
import { testConfig } from '@edgefleet/e2e-support';
import { createApi } from '../api.app';

export interface RunningApi {
  app: NestFastifyApplication;
  url: string;
  config: Config;
}

/** The real api, in this process, listening on a free port, on the test database. */
export async function startApi(overrides: Record<string, string> = {}): Promise<RunningApi> {
  const config = testConfig(overrides);
  const app = await createApi(config);
  await app.listen(config.API_PORT, '127.0.0.1');
  return { app, url: await app.getUrl(), config };
}
