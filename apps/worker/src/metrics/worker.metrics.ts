import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { PrismaService } from '@edgefleet/db';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { Metrics, cached } from '@edgefleet/telemetry';
import { type FleetGauges, FleetGaugesRepository } from './fleet-gauges.repository';

/** Scrapes within this long of each other share one read of the queues and the fleet. */
const SCRAPE_CACHE_MS = 5_000;
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;

export const WORKER_QUEUES = Symbol('WORKER_QUEUES');

/**
 * The worker's series (served on WORKER_METRICS_PORT, see TelemetryModule): BullMQ queues (depth per state, age of the
 * oldest waiting job, outcomes and durations of the jobs this worker ran), the fleet's state
 * (devices, device jobs, rollouts, deployments) and Panorama's own metrics by their names:
 * `DeviceActive` per device and `ApplicationErrors` per application instance, with Panorama's
 * dimensions as labels.
 */
@Injectable()
export class WorkerMetrics {
  readonly processed: Counter<'queue' | 'name' | 'result'>;
  readonly duration: Histogram<'queue' | 'name'>;

  constructor(
    metrics: Metrics,
    @Inject(WORKER_QUEUES) queues: Queue[],
    private readonly prisma: PrismaService,
    fleet: FleetGaugesRepository,
  ) {
    this.processed = metrics.counter('edgefleet_queue_jobs_processed_total', 'BullMQ jobs this worker ran, per queue, job name and result (completed, retried, failed for good).', ['queue', 'name', 'result']);
    this.duration = metrics.histogram('edgefleet_queue_job_duration_seconds', 'Time to run one BullMQ job, per queue and job name.', ['queue', 'name']);
    const counts = cached(SCRAPE_CACHE_MS, () =>
      Promise.all(
        queues.map(async (q) => {
          const [byState, oldest] = await Promise.all([q.getJobCounts(...QUEUE_STATES), q.getJobs(['waiting', 'prioritized'], 0, 0, true)]);
          return { queue: q.name, byState, oldestAt: oldest[0]?.timestamp };
        }),
      ),
    );
    metrics.gauge('edgefleet_queue_jobs', 'BullMQ jobs per queue and state.', ['queue', 'state'], async (g) => {
      for (const { queue, byState } of await counts()) for (const [state, n] of Object.entries(byState)) g.set({ queue, state }, n);
    });
    metrics.gauge('edgefleet_queue_oldest_waiting_seconds', 'Age of the oldest job waiting in each BullMQ queue (0 when none waits).', ['queue'], async (g) => {
      const now = Date.now(); // a metric's reading time, not a deadline
      for (const { queue, oldestAt } of await counts()) g.set({ queue }, oldestAt ? (now - oldestAt) / 1000 : 0);
    });

    const read = cached(SCRAPE_CACHE_MS, () => fleet.read());
    const fleetGauge = <L extends string>(name: string, help: string, labels: readonly L[], set: (g: Gauge<L>, f: FleetGauges) => void) =>
      metrics.gauge(name, help, labels, async (g) => {
        const f = await read();
        g.reset(); // a device or instance that is gone loses its series
        set(g, f);
      });
    fleetGauge('DeviceActive', 'Panorama DeviceActive, per provisioned device: 1 while it is connected (ONLINE), else 0.', ['DeviceId', 'DeviceName', 'organization'], (g, f) => {
      for (const d of f.devices) g.set({ DeviceId: d.deviceId, DeviceName: d.name, organization: d.organizationId }, d.status === 'ONLINE' ? 1 : 0);
    });
    fleetGauge('ApplicationErrors', 'Panorama ApplicationErrors: node instances of the application instance in ERROR (at least 1 while its health is ERROR).', ['ApplicationInstanceId', 'ApplicationInstanceName', 'organization'], (g, f) => {
      for (const a of f.applications) g.set({ ApplicationInstanceId: a.applicationInstanceId, ApplicationInstanceName: a.name ?? '', organization: a.organizationId }, a.errors);
    });
    fleetGauge('edgefleet_devices', 'Provisioned devices per organization and connection status.', ['organization', 'status'], (g, f) => {
      for (const d of f.devices) g.inc({ organization: d.organizationId, status: d.status });
    });
    fleetGauge('edgefleet_application_instances', 'Application instances (deployments) per organization and status; removed ones are not counted.', ['organization', 'status'], (g, f) => {
      for (const a of f.applications) g.inc({ organization: a.organizationId, status: a.status });
    });
    fleetGauge('edgefleet_device_jobs', 'Device jobs (OTA, reboot) per organization, type and status: their outcomes.', ['organization', 'type', 'status'], (g, f) => {
      for (const j of f.jobs) g.set({ organization: j.organizationId, type: j.type, status: j.status }, j.count);
    });
    fleetGauge('edgefleet_rollouts', 'Rollouts per organization and status.', ['organization', 'status'], (g, f) => {
      for (const r of f.rollouts) g.set({ organization: r.organizationId, status: r.status }, r.count);
    });
  }

  /** `/health`: the worker can reach Postgres. */
  readonly health = async () => {
    await this.prisma.ping();
    return { status: 'ok' };
  };
}
