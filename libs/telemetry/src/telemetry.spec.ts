import { Metrics, cached } from './metrics';
import { currentTraceparent, inSpan, SpanKind, startTracing } from './tracing';

describe('telemetry', () => {
  it('starts no tracing without an OTLP endpoint, and spans are then no-ops', async () => {
    expect(startTracing('edgefleet-test', {})).toBe(false);
    expect(startTracing('edgefleet-test', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(await inSpan('work', { kind: SpanKind.INTERNAL }, async () => currentTraceparent())).toBeUndefined();
    await expect(inSpan('work', { kind: SpanKind.INTERNAL }, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('reads scrape-time values at most once per period, and again after a failure', async () => {
    let now = 0;
    let reads = 0;
    let fail = false;
    const read = cached(5_000, async () => {
      reads++;
      if (fail) throw new Error('database down');
      return reads;
    }, () => now);
    expect([await read(), await read()]).toEqual([1, 1]);
    now = 5_000;
    fail = true;
    await expect(read()).rejects.toThrow('database down');
    fail = false;
    expect(await read()).toBe(3);
  });

  it('labels every series with the app and exposes Node metrics with the edgefleet_ prefix', async () => {
    const metrics = new Metrics('gateway');
    metrics.counter('edgefleet_things_total', 'Things.', ['kind']).inc({ kind: 'a' });
    metrics.gauge('edgefleet_level', 'Level.', [], (g) => g.set(7));
    const { contentType, body } = await metrics.scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toMatch(/^edgefleet_things_total\{kind="a",app="gateway"\} 1$/m);
    expect(body).toMatch(/^edgefleet_level\{app="gateway"\} 7$/m);
    expect(body).toMatch(/^edgefleet_process_resident_memory_bytes\{app="gateway"\} \d+$/m);
  });

  it('keeps a gauge whose read fails at its last values, counts the failure, and still serves the rest', async () => {
    const metrics = new Metrics('worker');
    let down = false;
    metrics.gauge('edgefleet_fleet', 'Fleet.', [], (g) => {
      if (down) throw new Error('Postgres is away');
      g.set(3);
    });
    expect((await metrics.scrape()).body).toMatch(/^edgefleet_fleet\{app="worker"\} 3$/m);
    down = true;
    expect((await metrics.scrape()).body).toMatch(/^edgefleet_fleet\{app="worker"\} 3$/m);
    const { body } = await metrics.scrape(); // the count may be read before this scrape's own failure is counted
    expect(body).toMatch(/^edgefleet_fleet\{app="worker"\} 3$/m);
    expect(body).toMatch(/^edgefleet_metric_collect_errors_total\{metric="edgefleet_fleet",app="worker"\} [12]$/m);
    expect(body).toMatch(/^edgefleet_process_cpu_seconds_total\{app="worker"\}/m);
  });
});
