// First import of main.ts: tracing must start before the libraries it instruments load.
import { startTracing } from '@edgefleet/telemetry';

startTracing('edgefleet-api');
