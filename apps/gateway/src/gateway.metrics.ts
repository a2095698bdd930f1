import { Injectable } from '@nestjs/common';
import type { DeviceService } from '@edgefleet/contracts';
import type { Counter, Histogram } from 'prom-client';
import { Metrics } from '@edgefleet/telemetry';

/** The gateway's series (served with `/health` on GATEWAY_METRICS_PORT, see TelemetryModule). */
@Injectable()
export class GatewayMetrics {
  private readonly requests: Counter<'service' | 'operation' | 'result'>;
  private readonly latency: Histogram<'service' | 'operation'>;
  private readonly shadowUpdates: Counter<'result'>;
  readonly connections: Counter<'result'>;
  private sources: { devices: () => number; clients: () => number } = { devices: () => 0, clients: () => 0 };

  constructor(metrics: Metrics) {
    this.requests = metrics.counter('edgefleet_device_requests_total', 'Device requests to the AWS IoT service topics, per service, route and result.', ['service', 'operation', 'result']);
    this.latency = metrics.histogram('edgefleet_device_request_duration_seconds', 'Time to answer a device request, per service and route.', ['service', 'operation']);
    this.shadowUpdates = metrics.counter('edgefleet_shadow_updates_total', 'Shadow updates devices sent, per result.', ['result']);
    this.connections = metrics.counter('edgefleet_gateway_connections_total', 'MQTT connections, per outcome of their authentication (device, claim, refused).', ['result']);
    metrics.gauge('edgefleet_gateway_connected_devices', 'Devices connected to this gateway (a device certificate and a ready session).', [], (g) => g.set(this.sources.devices()));
    metrics.gauge('edgefleet_gateway_clients', 'MQTT clients connected to this gateway, claims included.', [], (g) => g.set(this.sources.clients()));
  }

  /** Where the connection gauges read from (the gateway, once its broker exists). */
  countConnections(sources: { devices: () => number; clients: () => number }): void {
    this.sources = sources;
  }

  readonly observeRequest = (service: DeviceService, operation: string, result: 'accepted' | 'rejected', seconds: number): void => {
    this.requests.inc({ service, operation, result });
    this.latency.observe({ service, operation }, seconds);
    if (service === 'shadow' && operation.endsWith('/update')) this.shadowUpdates.inc({ result });
  };

  /** `/health`: the gateway is up, and how many devices it holds. */
  readonly health = async () => ({ status: 'ok', connectedDevices: this.sources.devices() });
}
