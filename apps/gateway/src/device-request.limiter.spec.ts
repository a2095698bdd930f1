import { DeviceRequestLimiter } from './device-request.limiter';

describe('per-thing request limiter (token bucket)', () => {
  let now = 1_700_000_000_000;
  const clock = { now: () => new Date(now) };
  const taken = (limiter: DeviceRequestLimiter, thing: string, count: number) => Array.from({ length: count }, () => limiter.take(thing)).filter(Boolean).length;

  it('allows a burst, then the rate; refills while idle, never above the burst', () => {
    const limiter = new DeviceRequestLimiter({ requestsPerSecond: 20, burst: 40 }, clock);
    expect(taken(limiter, 'device-a', 100)).toBe(40);
    now += 500;
    expect(taken(limiter, 'device-a', 100)).toBe(10);
    now += 3_600_000;
    expect(taken(limiter, 'device-a', 100)).toBe(40);
    expect(limiter.throttled).toBe(60 + 90 + 60);
  });

  it('keeps one bucket per thing', () => {
    const limiter = new DeviceRequestLimiter({ requestsPerSecond: 1, burst: 1 }, clock);
    expect([limiter.take('device-a'), limiter.take('device-a'), limiter.take('device-b')]).toEqual([true, false, true]);
  });

  it('forgets things whose bucket has refilled, so memory follows the active things only', () => {
    const limiter = new DeviceRequestLimiter({ requestsPerSecond: 10, burst: 10 }, clock);
    for (let i = 0; i < 1000; i++) limiter.take(`device-${i}`);
    expect(limiter.size).toBe(1000);
    now += 120_000;
    limiter.take('device-0');
    expect(limiter.size).toBe(1);
  });
});
