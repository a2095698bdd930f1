export { currentTraceparent, inSpan, SpanKind, startTracing, stopTracing, TRACEPARENT_KEY } from './tracing';
export { cached, LATENCY_BUCKETS, Metrics } from './metrics';
export type { AppName } from './metrics';
export { metricsLine, startOpsServer } from './ops.server';
export type { HealthProbe, OpsServer, OpsServerOptions } from './ops.server';
export { OPS_HEALTH, OpsServerHost, TelemetryModule } from './telemetry.module';
