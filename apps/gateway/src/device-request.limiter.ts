import type { Clock } from '@edgefleet/runtime';

/** Buckets that have refilled are dropped this often, so memory follows the things that are busy. */
const PRUNE_EVERY_MS = 60_000;

/**
 * A token bucket per thing for its requests to the AWS IoT service topics (AWS IoT throttles
 * per thing too). In memory, per gateway: simplest, and no Redis round trip per request; a
 * device is held to the rate on the gateway it is connected to, which is the one it floods.
 */
export class DeviceRequestLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private prunedAt = 0;
  private refused = 0;
  readonly requestsPerSecond: number;
  readonly burst: number;

  constructor(
    limits: { requestsPerSecond: number; burst: number },
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.requestsPerSecond = limits.requestsPerSecond;
    this.burst = Math.max(1, limits.burst);
  }

  /** Takes one request from the thing's bucket; false when it is empty. */
  take(thingName: string): boolean {
    const now = this.clock.now().getTime();
    this.prune(now);
    const bucket = this.buckets.get(thingName) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.requestsPerSecond);
    bucket.at = now;
    this.buckets.set(thingName, bucket);
    if (bucket.tokens < 1) {
      this.refused++;
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  /** Requests refused since start, for the gateway's metrics. */
  get throttled(): number {
    return this.refused;
  }

  /** Things with a bucket in memory. */
  get size(): number {
    return this.buckets.size;
  }

  private prune(now: number): void {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    const refillMs = (this.burst / this.requestsPerSecond) * 1000;
    for (const [thing, bucket] of this.buckets) if (now - bucket.at >= refillMs) this.buckets.delete(thing);
  }
}
