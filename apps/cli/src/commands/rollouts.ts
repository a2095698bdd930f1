import type { Command } from 'commander';
import {
  CancelRolloutDocument,
  type CreateRolloutInput,
  CreateRolloutDocument,
  ENDED_ROLLOUT_STATUSES,
  type Operation,
  PauseRolloutDocument,
  ResumeRolloutDocument,
  RolloutDocument,
  type RolloutFieldsFragment,
  RolloutProgressDocument,
  RolloutsDocument,
  type RolloutJobType,
} from '@edgefleet/client';
import { type Context, action, collect, integer, oneOf, parseTags, readText } from '../context';
import { CliError, EXIT } from '../errors';
import { follow } from '../follow';
import type { Column } from '../output';
import { Progress } from '../progress';

const ROLLOUT_COLUMNS: Column<RolloutFieldsFragment>[] = [
  ['ID', (r) => r.id],
  ['NAME', (r) => r.name],
  ['TYPE', (r) => r.jobType],
  ['IMAGE', (r) => r.imageVersion],
  ['STATUS', (r) => r.status],
  ['WAVE', (r) => r.currentWave],
  ['PROGRESS', (r) => progressText(r)],
  ['CREATED', (r) => r.createdAt],
];

const settled = (r: RolloutFieldsFragment) => {
  const p = r.progress;
  return p.succeeded + p.failed + p.timedOut + p.rejected + p.canceled;
};

function progressText(r: RolloutFieldsFragment): string {
  const p = r.progress;
  return `${settled(r)}/${p.targeted} done: ${p.succeeded} succeeded, ${p.failed + p.timedOut + p.rejected} failed, ${p.canceled} canceled, ${p.inProgress} in progress, ${p.queued} queued, ${p.offline} offline`;
}

const JOB_TYPES: Record<RolloutJobType, true> = { OTA: true, REBOOT: true, DEPLOY_APPLICATION: true };

/** Follows a rollout's progress live until it ends; exit code 5 unless it COMPLETED. Devices that are offline are said, and until when their jobs wait. */
async function watch(ctx: Context, id: string): Promise<void> {
  const progress = new Progress();
  let offline = 0;
  let final: Map<string, RolloutFieldsFragment>;
  try {
    final = await follow(ctx, [id], {
      subscription: RolloutProgressDocument,
      variables: () => ({ id }),
      fromEvent: (e) => e.rolloutProgress,
      read: async () => (await ctx.api.data(RolloutDocument, { id })).rollout,
      done: (r) => ENDED_ROLLOUT_STATUSES.has(r.status),
      onChange: (_id, r) => {
        progress.update(r.name, settled(r), Math.max(1, r.progress.targeted), `${r.status} wave ${r.currentWave} · ${progressText(r)}`);
        if (r.progress.offline !== offline) {
          offline = r.progress.offline;
          if (offline > 0) ctx.out.note(`${offline} device${offline > 1 ? 's are' : ' is'} offline: ${offline > 1 ? 'their jobs wait for them' : 'its job waits for it'}${r.progress.offlineUntil ? ` until ${r.progress.offlineUntil}` : ''}, then time out.`);
        }
      },
    });
  } finally {
    progress.stop();
  }
  const r = final.get(id)!;
  ctx.out.record(r, ROLLOUT_COLUMNS.map(([h, v]) => [h, v(r)]));
  if (r.status !== 'COMPLETED') throw new CliError(`rollout ${r.name} ended ${r.status}${r.statusReason ? `: ${r.statusReason}` : ''}`, EXIT.FAILED);
}

interface CreateOptions {
  name: string;
  type: RolloutJobType;
  version?: string;
  manifest?: string;
  overrides?: string;
  appName?: string;
  replace?: string;
  allowMajor?: boolean;
  device?: string[];
  tag?: string[];
  nameContains?: string;
  initial: number;
  growth: number;
  maxPerMinute?: number;
  abortPercent?: number;
  abortMin?: number;
  retries?: number;
  dryRun?: boolean;
  watch?: boolean;
}

export function rolloutsCommand(program: Command): void {
  const rollouts = program.command('rollouts').description('Rollouts: OTA, reboot or application deployments released in waves under abort rules, followed live.');

  rollouts
    .command('list')
    .description('Rollouts, newest first.')
    .action(action(async (ctx) => ctx.out.list((await ctx.api.data(RolloutsDocument)).rollouts, ROLLOUT_COLUMNS)));

  rollouts
    .command('describe <id>')
    .description('One rollout and its progress.')
    .action(
      action(async (ctx, id: string) => {
        const { rollout: r } = await ctx.api.data(RolloutDocument, { id });
        ctx.out.record(r, [...ROLLOUT_COLUMNS.map(([h, v]): [string, unknown] => [h, v(r)]), ['REASON', r.statusReason], ['STARTED', r.startedAt], ['COMPLETED', r.completedAt]]);
      }),
    );

  rollouts
    .command('create')
    .description('Creates a rollout over devices chosen by id, tag or name; --dry-run shows which devices it would touch.')
    .requiredOption('--name <name>', 'the rollout name')
    .requiredOption('--type <type>', 'OTA, REBOOT or DEPLOY_APPLICATION', oneOf('--type', JOB_TYPES))
    .option('--version <version>', 'OTA: the software image version')
    .option('--manifest <graph.json>', 'DEPLOY_APPLICATION: the application manifest')
    .option('--overrides <override.json>', 'DEPLOY_APPLICATION: its overrides')
    .option('--app-name <name>', 'DEPLOY_APPLICATION: the name of each device\'s application instance')
    .option('--replace <name>', 'DEPLOY_APPLICATION: replace each device\'s instance of this name')
    .option('--allow-major', 'OTA: allow a major version update')
    .option('--device <deviceId>', 'target this device (repeatable)', collect)
    .option('--tag <key[=value]>', 'target devices with this tag (repeatable: all must match)', collect)
    .option('--name-contains <text>', 'target devices whose name contains this')
    .option('--initial <n>', 'devices in the first wave', integer('--initial'), 1)
    .option('--growth <factor>', 'each wave is this many times the last', parseFloat, 2)
    .option('--max-per-minute <n>', 'at most this many new jobs a minute', integer('--max-per-minute'))
    .option('--abort-percent <p>', 'abort when this percent of executed jobs failed', parseFloat)
    .option('--abort-min <n>', '… once at least this many executed', integer('--abort-min'))
    .option('--retries <n>', 'retries of a failed job', integer('--retries', 0, 10))
    .option('--dry-run', 'only report the devices it would touch')
    .option('--watch', 'follow the rollout live until it ends (exit code 5 unless it completes)')
    .action(
      action(async (ctx, o: CreateOptions) => {
        const jobType = o.type;
        if (jobType === 'OTA' && !o.version) throw new CliError('an OTA rollout needs --version', EXIT.USAGE);
        if (jobType === 'DEPLOY_APPLICATION' && !o.manifest) throw new CliError('a DEPLOY_APPLICATION rollout needs --manifest (graph.json)', EXIT.USAGE);
        if ((o.abortPercent === undefined) !== (o.abortMin === undefined)) throw new CliError('--abort-percent and --abort-min go together', EXIT.USAGE);
        const input: CreateRolloutInput = {
          name: o.name,
          jobType,
          dryRun: o.dryRun ?? false,
          retries: o.retries,
          target: { deviceIds: o.device, tags: parseTags(o.tag), ...(o.nameContains ? { filter: { nameContains: o.nameContains } } : {}) },
          waves: { initialSize: o.initial, growthFactor: o.growth, maxPerMinute: o.maxPerMinute },
          ...(o.abortPercent !== undefined ? { abortConfig: { failurePercent: o.abortPercent, minExecutedForAbort: o.abortMin! } } : {}),
          ...(jobType === 'OTA' ? { deviceJobConfig: { otaJobConfig: { imageVersion: o.version!, allowMajorVersionUpdate: o.allowMajor ?? false } } } : {}),
          ...(jobType === 'DEPLOY_APPLICATION'
            ? {
                deviceJobConfig: {
                  deployApplicationConfig: {
                    manifestPayload: { payloadData: readText(o.manifest!) },
                    ...(o.overrides ? { manifestOverridesPayload: { payloadData: readText(o.overrides) } } : {}),
                    applicationInstanceName: o.appName,
                    replaceApplicationInstanceName: o.replace,
                  },
                },
              }
            : {}),
        };
        const { createRollout } = await ctx.api.data(CreateRolloutDocument, { input });
        if (createRollout.dryRun) {
          const d = createRollout.dryRun;
          ctx.out.list(d.devices, [['DEVICE ID', (x) => x.deviceId], ['NAME', (x) => x.name], ['ONLINE', (x) => (x.online ? 'yes' : 'no')]], d);
          return ctx.out.note(`would target ${d.targeted} devices (${d.offline} offline)`);
        }
        const r = createRollout.rollout!;
        if (o.watch) {
          ctx.out.note(`rollout ${r.name} created: ${r.id}`);
          return watch(ctx, r.id);
        }
        ctx.out.record(r, ROLLOUT_COLUMNS.map(([h, v]) => [h, v(r)]));
      }),
    );

  rollouts
    .command('watch <id>')
    .description('Follows a rollout live until it ends (exit code 5 unless it completes).')
    .action(action(async (ctx, id: string) => watch(ctx, id)));

  const changes: [string, Operation<Record<string, RolloutFieldsFragment>, { id: string }>, string][] = [
    ['pause', PauseRolloutDocument, 'Stops creating jobs; jobs already created run on.'],
    ['resume', ResumeRolloutDocument, 'Resumes a paused rollout.'],
    ['cancel', CancelRolloutDocument, 'Cancels the rollout and its jobs that have not started.'],
  ];
  for (const [verb, doc, what] of changes) {
    rollouts
      .command(`${verb} <id>`)
      .description(what)
      .action(
        action(async (ctx, id: string) => {
          const r = Object.values(await ctx.api.data(doc, { id }))[0]; // each answers the rollout under its own field
          ctx.out.record(r, ROLLOUT_COLUMNS.map(([h, v]) => [h, v(r)]));
        }),
      );
  }
}
