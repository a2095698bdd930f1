import { type Attributes, type Context, ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';

/** Where a BullMQ job carries the trace context of the request that recorded its outbox row. */
export const TRACEPARENT_KEY = '__traceparent';

/** EdgeFleet's signed URLs (`signature`), and what OpenTelemetry redacts by default (AWS's). */
const REDACTED_QUERY_PARAMS = ['signature', 'sig', 'Signature', 'AWSAccessKeyId', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'];

let provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> } | undefined;

/**
 * OpenTelemetry traces of this process (HTTP in and out, Postgres, Redis, and EdgeFleet's own
 * spans), exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; the exporter reads the other OTEL_EXPORTER_OTLP_*
 * variables, OTEL_SERVICE_NAME names the process and OTEL_BSP_SCHEDULE_DELAY sets how often spans go.
 * Off otherwise: the SDK is not loaded and every span below is a no-op. Call it before the
 * instrumented libraries are first required (each app's `instrument.ts`, imported first).
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (provider || !(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) || env.OTEL_SDK_DISABLED === 'true') return false;
  // Loaded only when tracing is on.
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { IORedisInstrumentation } = require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const tracer = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), scheduledDelayMillis: Number(env.OTEL_BSP_SCHEDULE_DELAY) || undefined })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracer);
  registerInstrumentations({
    tracerProvider: tracer,
    instrumentations: [
      // Probes and scrapes are not traced.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => req.url === '/health' || req.url === '/metrics',
        // Signed image and package-file URLs: their signature never reaches a trace.
        redactedQueryParamsServer: REDACTED_QUERY_PARAMS,
        redactedQueryParams: REDACTED_QUERY_PARAMS,
      }),
      new PgInstrumentation(),
      new IORedisInstrumentation(),
    ],
  });
  provider = tracer;
  return true;
}

/** Sends what is buffered and stops (on shutdown, so the last spans are not lost). */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}

/** The W3C `traceparent` of the active span, to carry through the outbox and Redis; undefined without one. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

const tracer = () => trace.getTracer('edgefleet');

/** Runs `fn` in a span whose parent is the carried `traceparent` (else the active span, if any). */
export function inSpan<T>(name: string, opts: { kind: SpanKind; traceparent?: string; attributes?: Attributes }, fn: () => Promise<T>): Promise<T> {
  const parent: Context = opts.traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent: opts.traceparent }) : context.active();
  return tracer().startActiveSpan(name, { kind: opts.kind, attributes: opts.attributes }, parent, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

export { SpanKind };
