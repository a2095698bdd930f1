import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where `npm run console:build` (run at install) writes the console and GraphiQL. */
export const CONSOLE_DIST = path.resolve(__dirname, '../../../../dist/console');

const NOT_BUILT = 'The console is not built: run `npm run console:build` (npm install does it).';

/**
 * The web console at /console and GraphiQL at /graphiql, from the bundle: every script, style and
 * font is served from here, none from a CDN, so both work on an air-gapped site.
 */
export async function registerConsoleRoutes(fastify: FastifyInstance, opts: { graphiql: boolean; dist?: string }): Promise<void> {
  const dist = opts.dist ?? CONSOLE_DIST;
  const page = (file: string) => {
    const full = path.join(dist, file);
    return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  };
  const html = { console: page('index.html'), graphiql: page('graphiql.html') };
  fastify.get('/console', (_req, reply) => reply.redirect('/console/'));
  fastify.get('/console/', (_req, reply) => (html.console ? reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html.console) : reply.code(503).send({ error: 'UNAVAILABLE', message: NOT_BUILT })));
  if (opts.graphiql) {
    fastify.get('/graphiql', (_req, reply) => (html.graphiql ? reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html.graphiql) : reply.code(503).send({ error: 'UNAVAILABLE', message: NOT_BUILT })));
  }
  if (existsSync(path.join(dist, 'assets'))) {
    // Hashed file names: cached for a year, a new build has new names.
    await fastify.register(fastifyStatic, { root: path.join(dist, 'assets'), prefix: '/console/assets/', decorateReply: false, immutable: true, maxAge: '365d' });
  }
}
