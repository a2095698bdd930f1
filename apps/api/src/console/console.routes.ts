import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where `npm run console:build` (run at install) writes the console and GraphiQL. */
const CONSOLE_DIST = path.resolve(__dirname, '../../../../dist/console');

const NOT_BUILT = 'The console is not built: run `npm run console:build` (npm install does it).';

/**
 * The web console at /console and GraphiQL at /graphiql, from the bundle: every script, style and
 * font is served from here, none from a CDN, so both work on an air-gapped site.
 */
export async function registerConsoleRoutes(fastify: FastifyInstance, opts: { graphiql: boolean }): Promise<void> {
  /** A page of the build, read once: its scripts have hashed names, the page itself is never cached. */
  const page = (route: string, file: string) => {
    const full = path.join(CONSOLE_DIST, file);
    const html = existsSync(full) ? readFileSync(full, 'utf8') : undefined;
    fastify.get(route, (_req, reply) => (html ? reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html) : reply.code(503).send({ error: 'UNAVAILABLE', message: NOT_BUILT })));
  };
  fastify.get('/console', (_req, reply) => reply.redirect('/console/'));
  page('/console/', 'index.html');
  if (opts.graphiql) page('/graphiql', 'graphiql.html');
  if (existsSync(path.join(CONSOLE_DIST, 'assets'))) {
    // Hashed file names: cached for a year, a new build has new names.
    await fastify.register(fastifyStatic, { root: path.join(CONSOLE_DIST, 'assets'), prefix: '/console/assets/', decorateReply: false, immutable: true, maxAge: '365d' });
  }
}
