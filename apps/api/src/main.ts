import './instrument';
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@edgefleet/config';
import { InstallationService } from '@edgefleet/organizations';
import { OpsServerHost, metricsLine } from '@edgefleet/telemetry';
import { createApi } from './api.app';

async function main() {
  const config = loadConfig();
  const app = await createApi(config);
  const { createdAdminKey } = await app.get(InstallationService).bootstrap(config.EDGEFLEET_DEFAULT_ORGANIZATION, config.EDGEFLEET_BOOTSTRAP_API_KEY);
  await app.listen(config.API_PORT, config.API_HOST);
  const base = config.API_PUBLIC_URL ?? `http://${config.API_HOST}:${config.API_PORT}`;
  const lines = [`EdgeFleet API listening on ${base}/graphql; ${metricsLine(config.METRICS_HOST, app.get(OpsServerHost).port)}`];
  lines.push(`Console: ${base}/console/`);
  if (config.GRAPHIQL) lines.push(`GraphiQL: ${base}/graphiql`);
  if (createdAdminKey) lines.push(`Admin API key (shown once, store it now): ${createdAdminKey}`);
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`EdgeFleet API failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
