import './instrument';
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@edgefleet/config';
import { OpsServerHost, metricsLine } from '@edgefleet/telemetry';
import { createWorker } from './worker.app';

const config = loadConfig();
createWorker(config)
  .then((app) => process.stdout.write(`EdgeFleet worker running; ${metricsLine(config.METRICS_HOST, app.get(OpsServerHost).port)}\n`))
  .catch((err: unknown) => {
    process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `EdgeFleet worker failed to start: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  });
