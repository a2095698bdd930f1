import type { Command } from 'commander';
import { ApplicationLogsDocument, DeviceLogsDocument, type LogEventFieldsFragment } from '@edgefleet/client';
import { type Context, action, integer } from '../context';
import { CliError, EXIT } from '../errors';

const FOLLOW_POLL_MS = 1_000;
const PAGE = 100;

/**
 * Log lines of a device (`device-…`) or an application instance (`applicationInstance-…`), oldest
 * first, at most --limit; --follow prints them all from the oldest and then each new one, the way
 * `tail -n +1 -f` does, until interrupted.
 */
async function logs(ctx: Context, target: string, o: { node?: string; stream?: string; follow?: boolean; limit: number }) {
  const isDevice = target.startsWith('device-');
  if (!isDevice && !target.startsWith('applicationInstance-')) throw new CliError(`${target} is neither a device id (device-…) nor an application instance id (applicationInstance-…)`, EXIT.USAGE);
  if (isDevice && o.node) throw new CliError('--node is for application instances; for a device, use --stream', EXIT.USAGE);
  const page = async (after: string | null): Promise<LogEventFieldsFragment> =>
    isDevice
      ? (await ctx.api.data(DeviceLogsDocument, { deviceId: target, logStream: o.stream, first: PAGE, after })).deviceLogs
      : (await ctx.api.data(ApplicationLogsDocument, { id: target, nodeName: o.node, first: PAGE, after })).applicationInstanceLogs;
  const print = (events: LogEventFieldsFragment['edges']) => {
    for (const { node } of events) {
      if (ctx.out.format === 'json') process.stdout.write(`${JSON.stringify(node)}\n`); // one JSON object per line, so --follow can stream
      else process.stdout.write(`${node.timestamp}  ${node.logStream}  ${node.message}\n`);
    }
  };
  let after: string | null = null;
  let printed = 0;
  for (;;) {
    const p = await page(after);
    const room = o.follow ? p.edges.length : Math.max(0, o.limit - printed);
    print(p.edges.slice(0, room));
    printed += Math.min(room, p.edges.length);
    after = p.pageInfo.endCursor ?? after;
    if (p.pageInfo.hasNextPage && (o.follow || printed < o.limit)) continue;
    if (!o.follow) return;
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
  }
}

export function logsCommand(program: Command): void {
  program
    .command('logs <target>')
    .description('Log lines of a device (device-…) or of an application instance (applicationInstance-…), oldest first; --json prints one object per line.')
    .option('--node <nodeName>', 'application: only this node (console_output for the runtime)')
    .option('--stream <logStream>', 'device: only this log stream')
    .option('--limit <n>', 'at most this many lines (without --follow)', integer('--limit', 1, 100_000), 1000)
    .option('-f, --follow', 'keep printing new lines until interrupted')
    .action(action(async (ctx, target: string, o: { node?: string; stream?: string; follow?: boolean; limit: number }) => logs(ctx, target, o)));
}
