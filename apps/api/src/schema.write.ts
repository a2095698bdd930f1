import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '@edgefleet/config';
import { createApi } from './api.app';
import { SCHEMA_FILE, printApiSchema } from './graphql/schema.print';

async function main() {
  const app = await createApi(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
  await app.init();
  writeFileSync(SCHEMA_FILE, printApiSchema(app));
  await app.close();
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}

void main();
