import { isWindowOpen } from './maintenance-window';

describe('maintenance windows', () => {
  const at = (iso: string) => new Date(iso);

  it('is always open without a window', () => expect(isWindowOpen(null, new Date())).toBe(true));

  it('opens daily between start and end in the time zone, across midnight', () => {
    const w = { start: '22:00', end: '04:00', timezone: 'Europe/Berlin' };
    expect(isWindowOpen(w, at('2026-11-23T21:30:00Z'))).toBe(true); // 22:30 in Berlin
    expect(isWindowOpen(w, at('2026-11-23T02:59:00Z'))).toBe(true); // 03:59
    expect(isWindowOpen(w, at('2026-11-23T03:00:00Z'))).toBe(false); // 04:00
    expect(isWindowOpen(w, at('2026-11-23T12:00:00Z'))).toBe(false);
  });

  it('opens at each cron occurrence for its duration', () => {
    const w = { cron: '0 2 * * 1-5', durationMinutes: 60, timezone: 'UTC' };
    expect(isWindowOpen(w, at('2026-11-23T02:00:00Z'))).toBe(true); // Monday 02:00
    expect(isWindowOpen(w, at('2026-11-23T02:59:59Z'))).toBe(true);
    expect(isWindowOpen(w, at('2026-11-23T03:00:00Z'))).toBe(false);
    expect(isWindowOpen(w, at('2026-11-22T02:30:00Z'))).toBe(false); // Sunday
  });
});
