import Fastify from 'fastify';
import type { Metrics } from './metrics';

/** Readiness: an object with `status: 'ok'` is 200, anything else (or a failure) 503. */
export type HealthProbe = () => Promise<{ status: string; [k: string]: unknown }>;

export interface OpsServerOptions {
  host: string;
  port: number;
  metrics: Metrics;
  health: HealthProbe;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** `/metrics` and `/health` on a port of their own, apart from anything public (the api's port). */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server = Fastify({ logger: false });
  server.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await options.metrics.scrape();
    return reply.type(contentType).send(body);
  });
  server.get('/health', async (_req, reply) => {
    const health = await options.health().catch((err: Error) => ({ status: 'unavailable', error: err.message }));
    return reply.status(health.status === 'ok' ? 200 : 503).send(health);
  });
  await server.listen({ host: options.host, port: options.port });
  const address = server.server.address();
  return { port: typeof address === 'object' && address ? address.port : options.port, close: () => server.close() };
}

/** What a process prints at start about its ops server. */
export const metricsLine = (host: string, port: number | undefined) => (port === undefined ? 'no metrics (its port was taken)' : `metrics on http://${host}:${port}/metrics`);
