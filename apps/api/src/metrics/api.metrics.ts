import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from '@edgefleet/client';
import type { Metrics } from '@edgefleet/telemetry';

/**
 * Operation names come from callers, so only the names of the operators' tools (the operations of
 * libs/client/src/operations.graphql) get a series of their own; any other is `other`, so that no
 * caller can grow the series or push the known ones out.
 */
const KNOWN_OPERATIONS = new Set(Object.keys(client).filter((k) => k.endsWith('Document')).map((k) => k.slice(0, -'Document'.length)));
const OPERATION = /^\s*(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)/;

type Kind = 'graphql' | 'rest';
interface Observed {
  operation: string;
  kind: Kind;
  errors: string[];
}

/**
 * Requests, errors and latency per operation: GraphQL operations by name, the Panorama and logs
 * REST routes by route. They are served with the process's other metrics on API_METRICS_PORT
 * (TelemetryModule), not on the public port.
 */
export function registerApiMetrics(fastify: FastifyInstance, metrics: Metrics): void {
  const requests = metrics.counter('edgefleet_api_requests_total', 'Requests answered, per operation.', ['kind', 'operation', 'status']);
  const errors = metrics.counter('edgefleet_api_errors_total', 'Errors answered, per operation and error code (GraphQL extensions.code, x-amzn-ErrorType, or the HTTP status).', ['kind', 'operation', 'code']);
  const latency = metrics.histogram('edgefleet_api_request_duration_seconds', 'Time to answer, per operation.', ['kind', 'operation']);
  const observed = new WeakMap<FastifyRequest, Observed>();

  const graphqlOperation = (request: FastifyRequest): string => {
    const body = (request.body ?? request.query ?? {}) as { operationName?: unknown; query?: unknown };
    const name = typeof body.operationName === 'string' ? body.operationName : typeof body.query === 'string' ? OPERATION.exec(body.query)?.[1] : undefined;
    if (!name) return 'anonymous';
    return KNOWN_OPERATIONS.has(name) ? name : 'other';
  };

  fastify.addHook('preHandler', async (request) => {
    const url = request.routeOptions.url;
    if (!url || url === '/health') return;
    if (url === '/graphql') observed.set(request, { operation: graphqlOperation(request), kind: 'graphql', errors: [] });
    else observed.set(request, { operation: `${request.method} ${url}`, kind: 'rest', errors: [] });
  });

  fastify.addHook('onSend', async (request, reply, payload) => {
    const o = observed.get(request);
    if (!o) return payload;
    if (o.kind === 'graphql') {
      // Only an answer with errors is read back (a page of devices is not parsed twice).
      if (typeof payload === 'string' && payload.includes('"errors":[')) {
        try {
          const parsed = JSON.parse(payload) as { errors?: { extensions?: { code?: string } }[] };
          o.errors = (parsed.errors ?? []).map((e) => e.extensions?.code ?? 'INTERNAL');
        } catch {
          o.errors = ['INTERNAL'];
        }
      }
    } else if (reply.statusCode >= 400) {
      o.errors = [String(reply.getHeader('x-amzn-errortype') ?? reply.statusCode)];
    }
    return payload;
  });

  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const o = observed.get(request);
    if (!o) return;
    requests.inc({ kind: o.kind, operation: o.operation, status: String(reply.statusCode) });
    latency.observe({ kind: o.kind, operation: o.operation }, reply.elapsedTime / 1000);
    for (const code of new Set(o.errors)) errors.inc({ kind: o.kind, operation: o.operation, code });
  });
}
