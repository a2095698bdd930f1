import react from '@vitejs/plugin-react';
import path from 'node:path';
import { defineConfig } from 'vite';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * The console and GraphiQL, built at install (`npm run console:build`) into dist/console and
 * served by the api at /console and /graphiql. Every asset is in the bundle: nothing is loaded
 * from a CDN, so both work on an air-gapped site.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  resolve: { alias: { '@edgefleet/client': path.join(root, 'libs/client/src/index.ts') } },
  build: {
    outDir: path.join(root, 'dist/console'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 5000,
    rollupOptions: {
      input: { console: path.join(import.meta.dirname, 'index.html'), graphiql: path.join(import.meta.dirname, 'graphiql.html') },
      // GraphiQL's "use no memo" directives are for React's compiler, which this build does not run.
      onwarn: (warning, warn) => warning.code !== 'MODULE_LEVEL_DIRECTIVE' && warn(warning),
    },
  },
});
