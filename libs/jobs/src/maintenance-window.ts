import { CronExpressionParser } from 'cron-parser';
import type { MaintenanceWindow } from '@edgefleet/domain';

function minutesOfDay(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether new jobs may start now: always without a window; a daily start–end window may cross midnight. */
export function isWindowOpen(window: MaintenanceWindow | null | undefined, now: Date): boolean {
  if (!window) return true;
  if (window.cron) {
    const last = CronExpressionParser.parse(window.cron, { currentDate: new Date(now.getTime() + 1000), tz: window.timezone }).prev().toDate();
    return now.getTime() - last.getTime() < window.durationMinutes! * 60_000;
  }
  const m = minutesOfDay(now, window.timezone);
  const start = toMinutes(window.start!);
  const end = toMinutes(window.end!);
  return start <= end ? m >= start && m < end : m >= start || m < end;
}

/** Throws when a cron expression cannot be parsed (zod checked the rest). */
export function assertCron(cron: string, timezone: string): void {
  CronExpressionParser.parse(cron, { tz: timezone });
}
