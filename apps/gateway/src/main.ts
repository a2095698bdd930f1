import './instrument';
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@edgefleet/config';
import { OpsServerHost, metricsLine } from '@edgefleet/telemetry';
import { CredentialsProvider } from './credentials-provider';
import { createGateway } from './gateway.app';
import { MqttGateway } from './mqtt-gateway';

async function main() {
  const config = loadConfig();
  const app = await createGateway(config);
  process.stdout.write(
    `EdgeFleet gateway listening on mqtts://${config.GATEWAY_HOST}:${app.get(MqttGateway).port}; credentials provider on https://${config.CREDENTIALS_PROVIDER_HOST}:${app.get(CredentialsProvider).port}; ${metricsLine(config.METRICS_HOST, app.get(OpsServerHost).port)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `EdgeFleet gateway failed to start: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
