import './instrument';
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@edgefleet/config';
import { createGateway } from './gateway.app';
import { GatewayMetrics } from './gateway.metrics';
import { MqttGateway } from './mqtt-gateway';

async function main() {
  const config = loadConfig();
  const app = await createGateway(config);
  const metrics = `http://${config.METRICS_HOST}:${app.get(GatewayMetrics).port}/metrics`;
  process.stdout.write(`EdgeFleet gateway listening on mqtts://${config.GATEWAY_HOST}:${app.get(MqttGateway).port}; metrics on ${metrics}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `EdgeFleet gateway failed to start: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
