import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type AppName = 'api' | 'worker' | 'gateway';

/** Request latency buckets, in seconds: 1 ms to 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One process's Prometheus registry: Node's own metrics (CPU, memory, event loop lag, GC) and
 * the app's, every series labelled with the app's name.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly collectErrors: Counter<'metric'>;

  constructor(readonly app: AppName) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry, prefix: 'edgefleet_' });
    this.collectErrors = this.counter('edgefleet_metric_collect_errors_total', 'Scrape-time reads that failed (Postgres or Redis away); the gauge kept its last values.', ['metric']);
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets = LATENCY_BUCKETS): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /**
   * A gauge; with `collect`, its value is computed when Prometheus scrapes. A collect that fails
   * keeps the gauge's last values and counts the failure: one read that fails never fails the
   * whole scrape (which would hide every other series exactly when something is wrong).
   */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect?: (gauge: Gauge<L>) => Promise<void> | void): Gauge<L> {
    const errors = this.collectErrors;
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      ...(collect
        ? {
            async collect(this: Gauge<L>) {
              try {
                await collect(this);
              } catch {
                errors.inc({ metric: name });
              }
            },
          }
        : {}),
    });
  }

  /** The exposition text and its content type, for a `/metrics` handler. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * Values read from the database at scrape time, at most once per `ttlMs` however often (and by
 * however many Prometheus servers) the process is scraped.
 */
export function cached<T>(ttlMs: number, read: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const t = now();
    if (!last || t - last.at >= ttlMs) {
      const value = read();
      last = { at: t, value };
      value.catch(() => (last = undefined)); // a failed read is retried at the next scrape
    }
    return last.value;
  };
}
