-- The W3C trace context of the request that recorded the message (OpenTelemetry), when tracing is on.
ALTER TABLE "OutboxMessage" ADD COLUMN "traceparent" TEXT;
