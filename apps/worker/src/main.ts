import 'reflect-metadata';
import { ConfigError, loadConfig } from '@edgefleet/config';
import { createWorker } from './worker.app';

createWorker(loadConfig())
  .then(() => process.stdout.write('EdgeFleet worker running\n'))
  .catch((err: unknown) => {
    process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `EdgeFleet worker failed to start: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  });
