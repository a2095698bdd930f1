import path from 'node:path';
import { defineConfig } from 'prisma/config';

const root = path.resolve(__dirname, '..');
// Prisma's CLI cannot download its native schema engine offline; ours delegates to the wasm build.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(root, 'prisma/engine/schema-engine.js');

export default defineConfig({
  schema: path.join(root, 'prisma/schema.prisma'),
  migrations: { path: path.join(root, 'prisma/migrations') },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/edgefleet' },
});
