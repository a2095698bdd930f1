import { type Command, InvalidArgumentError } from 'commander';
import { ApplicationLogsDocument, DeviceLogsDocument, type LogEventFieldsFragment } from '@edgefleet/client';
import { type Context, action, integer } from '../context';
import { CliError, EXIT } from '../errors';

const FOLLOW_POLL_MS = 1_000;
const PAGE = 100;

interface LogOptions {
  node?: string;
  stream?: string;
  follow?: boolean;
  limit: number;
  since?: string;
  until?: string;
}

/** A time for --since/--until: an ISO 8601 time, or a duration ago (30s, 15m, 2h, 7d). */
export function when(name: string) {
  return (value: string): string => {
    const ago = /^(\d+)([smhd])$/.exec(value);
    const time = ago ? Date.now() - Number(ago[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[ago[2] as 's']! : Date.parse(value);
    if (Number.isNaN(time)) throw new InvalidArgumentError(`${name} takes a time (2026-12-07T10:00:00Z) or a duration ago (30s, 15m, 2h, 7d).`);
    return new Date(time).toISOString();
  };
}

/**
 * Log lines of a device (`device-…`) or an application instance (`applicationInstance-…`), as
 * `tail` shows them: the newest --limit lines, oldest first, within --since and --until;
 * --follow then prints each new line until interrupted.
 */
async function logs(ctx: Context, target: string, o: LogOptions) {
  const isDevice = target.startsWith('device-');
  if (!isDevice && !target.startsWith('applicationInstance-')) throw new CliError(`${target} is neither a device id (device-…) nor an application instance id (applicationInstance-…)`, EXIT.USAGE);
  if (isDevice && o.node) throw new CliError('--node is for application instances; for a device, use --stream', EXIT.USAGE);
  const window = { since: o.since, until: o.until };
  const page = async (w: { first?: number; after?: string | null; last?: number; before?: string | null }): Promise<LogEventFieldsFragment> =>
    isDevice
      ? (await ctx.api.data(DeviceLogsDocument, { deviceId: target, logStream: o.stream, ...window, ...w })).deviceLogs
      : (await ctx.api.data(ApplicationLogsDocument, { id: target, nodeName: o.node, ...window, ...w })).applicationInstanceLogs;
  const print = (events: LogEventFieldsFragment['edges']) => {
    for (const { node } of events) {
      if (ctx.out.format === 'json') process.stdout.write(`${JSON.stringify(node)}\n`); // one JSON object per line, so --follow can stream
      else process.stdout.write(`${node.timestamp}  ${node.logStream}  ${node.message}\n`);
    }
  };
  // The newest --limit lines: pages read backwards from the newest, printed oldest first.
  const pages: LogEventFieldsFragment[] = [];
  let before: string | null = null;
  for (let wanted = o.limit; wanted > 0; ) {
    const p = await page({ last: Math.min(PAGE, wanted), before });
    pages.unshift(p);
    wanted -= p.edges.length;
    before = p.pageInfo.startCursor ?? null;
    if (!p.pageInfo.hasPreviousPage || p.edges.length === 0) break;
  }
  for (const p of pages) print(p.edges);
  if (!o.follow) return;
  let after = pages.at(-1)?.pageInfo.endCursor ?? null;
  for (;;) {
    const p = await page({ first: PAGE, after });
    print(p.edges);
    after = p.pageInfo.endCursor ?? after;
    if (!p.pageInfo.hasNextPage) await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
  }
}

export function logsCommand(program: Command): void {
  program
    .command('logs <target>')
    .description('Log lines of a device (device-…) or of an application instance (applicationInstance-…): like tail, the newest --limit lines, oldest first; --json prints one object per line.')
    .option('--node <nodeName>', 'application: only this node (console_output for the runtime)')
    .option('--stream <logStream>', 'device: only this log stream (syslog, ota_log, …)')
    .option('--limit <n>', 'the newest n lines', integer('--limit', 1, 100_000), 100)
    .option('--since <time>', 'only lines from this time on (ISO 8601, or 30s, 15m, 2h, 7d ago)', when('--since'))
    .option('--until <time>', 'only lines before this time (ISO 8601, or a duration ago)', when('--until'))
    .option('-f, --follow', 'then keep printing new lines until interrupted')
    .action(action(async (ctx, target: string, o: LogOptions) => logs(ctx, target, o)));
}
