import type { Command } from 'commander';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  type ApplicationFieldsFragment,
  ApplicationDocument,
  ApplicationUpdatedDocument,
  ApplicationsDocument,
  type ApplicationInstanceStatusFilter,
  CreateApplicationDocument,
  ENDED_DEPLOYMENT_STATUSES,
  RemoveApplicationDocument,
  SignalNodesDocument,
  ValidateManifestDocument,
} from '@edgefleet/client';
import { type Context, action, collect, integer, oneOf, readText } from '../context';
import { CliError, EXIT } from '../errors';
import { follow } from '../follow';
import type { Column } from '../output';
import { Progress } from '../progress';

const APP_COLUMNS: Column<ApplicationFieldsFragment>[] = [
  ['APPLICATION INSTANCE ID', (a) => a.applicationInstanceId],
  ['NAME', (a) => a.name],
  ['DEVICE', (a) => a.defaultRuntimeContextDeviceName ?? a.defaultRuntimeContextDevice],
  ['STATUS', (a) => a.status],
  ['HEALTH', (a) => a.healthStatus],
  ['DESCRIPTION', (a) => a.statusDescription],
];

const DEPLOY_STEPS = ['DEPLOYMENT_PENDING', 'DEPLOYMENT_REQUESTED', 'DEPLOYMENT_IN_PROGRESS', 'DEPLOYMENT_SUCCEEDED'];
const REMOVAL_STEPS = ['REMOVAL_PENDING', 'REMOVAL_REQUESTED', 'REMOVAL_IN_PROGRESS', 'REMOVAL_SUCCEEDED'];
const STATUS_FILTERS: Record<ApplicationInstanceStatusFilter, true> = {
  DEPLOYMENT_SUCCEEDED: true, DEPLOYMENT_ERROR: true, DEPLOYMENT_FAILED: true, REMOVAL_SUCCEEDED: true, REMOVAL_FAILED: true, PROCESSING_DEPLOYMENT: true, PROCESSING_REMOVAL: true,
};
type Followed = ApplicationFieldsFragment & { nodeInstances?: { nodeInstanceId: string; currentStatus: string; statusReason: string | null }[] };

/**
 * An application folder as `panorama-cli` lays it out (graphs/<app>/graph.json), or a folder with
 * graph.json at its top; overrides from --overrides, else override.json or overrides.json beside it.
 */
export function applicationFolder(dir: string, overrides?: string): { graphFile: string; overridesFile?: string } {
  if (!existsSync(dir)) throw new CliError(`${dir}: no such folder`, EXIT.USAGE);
  const candidates = [path.join(dir, 'graph.json')];
  const graphs = path.join(dir, 'graphs');
  if (existsSync(graphs)) for (const app of readdirSync(graphs)) candidates.push(path.join(graphs, app, 'graph.json'));
  const found = candidates.filter((f) => existsSync(f));
  if (found.length === 0) throw new CliError(`${dir} has no graph.json (looked for ${path.join(dir, 'graph.json')} and ${path.join(dir, 'graphs/*/graph.json')})`, EXIT.USAGE);
  if (found.length > 1) throw new CliError(`${dir} has ${found.length} graphs (${found.join(', ')}): deploy one folder per application`, EXIT.USAGE);
  const [graphFile] = found;
  const beside = ['override.json', 'overrides.json'].map((f) => path.join(path.dirname(graphFile), f)).concat(['override.json', 'overrides.json'].map((f) => path.join(dir, f)));
  const overridesFile = overrides ?? beside.find((f) => existsSync(f));
  return { graphFile, overridesFile };
}

/**
 * Follows one instance (through its device's subscription, and reads) until `done`: its
 * deployment or removal ended, or its nodes took a signal. `steps` drive the progress bar.
 */
async function followInstance(ctx: Context, instance: ApplicationFieldsFragment, steps: string[], done: (a: Followed) => boolean): Promise<Followed> {
  const id = instance.applicationInstanceId;
  const progress = new Progress();
  try {
    return (
      await follow(ctx, [id], {
        subscription: ApplicationUpdatedDocument,
        variables: () => ({ deviceId: instance.defaultRuntimeContextDevice }),
        fromEvent: (e) => (e.applicationInstanceUpdated.applicationInstanceId === id ? e.applicationInstanceUpdated : undefined),
        read: async () => {
          const r = await ctx.api.data(ApplicationDocument, { id });
          return { ...r.applicationInstance, nodeInstances: r.applicationInstanceNodeInstances };
        },
        done,
        onChange: (_id, a) => progress.update(a.name ?? id, Math.max(0, steps.indexOf(a.status)), steps.length - 1, `${a.status} ${a.healthStatus}${a.statusDescription ? ` · ${a.statusDescription}` : ''}`),
      })
    ).get(id)!;
  } finally {
    progress.stop();
  }
}

/** Until its deployment ended; exit code 5 unless it succeeded. */
async function waitForDeployment(ctx: Context, instance: ApplicationFieldsFragment): Promise<void> {
  const final = await followInstance(ctx, instance, DEPLOY_STEPS, (a) => ENDED_DEPLOYMENT_STATUSES.has(a.status));
  ctx.out.record(final, APP_COLUMNS.map(([h, v]) => [h, v(final)]));
  if (final.status !== 'DEPLOYMENT_SUCCEEDED') throw new CliError(`deployment of ${final.applicationInstanceId} ended ${final.status}: ${final.statusDescription ?? ''}`, EXIT.FAILED);
}

export function deployCommand(program: Command): void {
  program
    .command('deploy <dir>')
    .description('Deploys an application folder (graph.json, and overrides) to a device: checks the manifest first and shows every problem precisely.')
    .requiredOption('--device <deviceId>', 'the device that runs it')
    .option('--name <name>', 'the application instance name (default: the folder name)')
    .option('--description <text>', 'a description')
    .option('--overrides <file>', 'manifest overrides (default: override.json or overrides.json in the folder)')
    .option('--runtime-role-arn <arn>', "the runtime role: a role alias's ARN, or an IAM role ARN one of your role aliases stands for (the code gets its temporary credentials through panoramasdk)")
    .option('--replace <applicationInstanceId>', 'replace this instance (it keeps running if the new one fails)')
    .option('--validate-only', 'only check the manifest and overrides')
    .option('--wait', 'follow the deployment until it ends (exit code 5 unless it succeeds)')
    .action(
      action(async (ctx, dir: string, o: { device: string; name?: string; description?: string; overrides?: string; runtimeRoleArn?: string; replace?: string; validateOnly?: boolean; wait?: boolean }) => {
        const { graphFile, overridesFile } = applicationFolder(dir, o.overrides);
        const manifest = { payloadData: readText(graphFile) };
        const overrides = overridesFile ? { payloadData: readText(overridesFile) } : undefined;
        const { validateApplicationManifest: v } = await ctx.api.data(ValidateManifestDocument, { manifest, overrides });
        if (!v.valid) {
          const file = (doc: string) => (doc === 'manifestOverridesPayload' ? overridesFile : doc === 'manifestPayload' ? graphFile : doc);
          ctx.out.list(v.problems, [['FILE', (p) => file(p.document)], ['PATH', (p) => p.path], ['PROBLEM', (p) => p.message]], v);
          throw new CliError(`${graphFile}${overridesFile ? ` with ${overridesFile}` : ''} has ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}; nothing was deployed`, EXIT.FAILED);
        }
        if (o.validateOnly) return ctx.out.say(`${graphFile}${overridesFile ? ` with ${overridesFile}` : ''}: valid`);
        const { createApplicationInstance: a } = await ctx.api.data(CreateApplicationDocument, {
          input: {
            defaultRuntimeContextDevice: o.device,
            name: o.name ?? path.basename(path.resolve(dir)),
            description: o.description,
            runtimeRoleArn: o.runtimeRoleArn,
            applicationInstanceIdToReplace: o.replace,
            manifestPayload: manifest,
            ...(overrides ? { manifestOverridesPayload: overrides } : {}),
          },
        });
        if (o.wait) return waitForDeployment(ctx, a);
        ctx.out.record(a, APP_COLUMNS.map(([h, v]) => [h, v(a)]));
      }),
    );
}

/** PAUSE or RESUME nodes; with `wait`, until the device says each is PAUSED or RUNNING (exit code 5 if one goes to ERROR; one NOT_AVAILABLE, such as the HDMI output, stays so). */
async function signal(ctx: Context, id: string, signal: 'PAUSE' | 'RESUME', nodes: string[] | undefined, wait: boolean) {
  const targets = nodes?.length ? nodes : (await ctx.api.data(ApplicationDocument, { id })).applicationInstanceNodeInstances.map((n) => n.nodeInstanceId);
  const { signalApplicationInstanceNodeInstances: a } = await ctx.api.data(SignalNodesDocument, { id, signals: targets.map((nodeInstanceId) => ({ nodeInstanceId, signal })) });
  let reached: Followed = a;
  if (wait) {
    const wanted = signal === 'PAUSE' ? 'PAUSED' : 'RUNNING';
    const statusOf = (f: Followed, node: string) => f.nodeInstances?.find((n) => n.nodeInstanceId === node)?.currentStatus;
    reached = await followInstance(ctx, a, [], (f) => targets.every((n) => [wanted, 'ERROR', 'NOT_AVAILABLE'].includes(statusOf(f, n) ?? '')));
    const stuck = targets.filter((n) => statusOf(reached, n) === 'ERROR');
    if (stuck.length) throw new CliError(`${stuck.map((n) => `${n} is ${statusOf(reached, n)}`).join(', ')}, not ${wanted}`, EXIT.FAILED);
  }
  ctx.out.record(reached, [...APP_COLUMNS.map(([h, v]): [string, unknown] => [h, v(reached)]), ['SIGNALED', `${signal} ${targets.join(',')}`]]);
}

export function appsCommand(program: Command): void {
  const apps = program.command('apps').description('Application instances: list, describe (with node statuses), remove, pause, resume.');

  apps
    .command('list')
    .description('Application instances, of one device or of all.')
    .option('--device <deviceId>', 'only this device')
    .option('--status <filter>', Object.keys(STATUS_FILTERS).join(', '), oneOf('--status', STATUS_FILTERS))
    .option('--first <n>', 'how many (at most 100)', integer('--first', 1, 100), 25)
    .action(
      action(async (ctx, o: { device?: string; status?: ApplicationInstanceStatusFilter; first: number }) => {
        const page = await ctx.api.data(ApplicationsDocument, { first: o.first, filter: { deviceId: o.device, statusFilter: o.status } });
        ctx.out.list(page.applicationInstances.edges.map((e) => e.node), APP_COLUMNS);
      }),
    );

  apps
    .command('describe <applicationInstanceId>')
    .description('One application instance and the status of each of its nodes.')
    .action(
      action(async (ctx, id: string) => {
        const { applicationInstance: a, applicationInstanceNodeInstances: nodes } = await ctx.api.data(ApplicationDocument, { id });
        ctx.out.record({ ...a, nodeInstances: nodes }, [...APP_COLUMNS.map(([h, v]): [string, unknown] => [h, v(a)]), ['CREATED', a.createdTime], ['UPDATED', a.lastUpdatedTime]]);
        ctx.out.section('Nodes');
        if (ctx.out.format === 'table') ctx.out.list(nodes, [['NODE INSTANCE', (n) => n.nodeInstanceId], ['NODE', (n) => n.nodeName], ['PACKAGE', (n) => `${n.packageName} ${n.packageVersion}`], ['STATUS', (n) => n.currentStatus], ['REASON', (n) => n.statusReason]]);
      }),
    );

  apps
    .command('remove <applicationInstanceId>')
    .description('Removes an application instance: the device stops it and deletes it.')
    .option('--wait', 'follow the removal until it ends (exit code 5 unless it succeeds)')
    .action(
      action(async (ctx, id: string, o: { wait?: boolean }) => {
        const { removeApplicationInstance: removing } = await ctx.api.data(RemoveApplicationDocument, { id });
        const a = o.wait ? await followInstance(ctx, removing, REMOVAL_STEPS, (f) => f.status === 'REMOVAL_SUCCEEDED' || f.status === 'REMOVAL_FAILED') : removing;
        ctx.out.record(a, APP_COLUMNS.map(([h, v]) => [h, v(a)]));
        if (a.status === 'REMOVAL_FAILED') throw new CliError(`removal of ${id} failed: ${a.statusDescription ?? ''}`, EXIT.FAILED);
      }),
    );

  for (const verb of ['pause', 'resume'] as const) {
    apps
      .command(`${verb} <applicationInstanceId>`)
      .description(`${verb === 'pause' ? 'Pauses' : 'Resumes'} the nodes of an application instance (all, or those given with --node).`)
      .option('--node <nodeInstanceId>', 'only this node (repeatable)', collect)
      .option('--wait', `until the device says each node is ${verb === 'pause' ? 'PAUSED' : 'RUNNING'} (exit code 5 if one is not)`)
      .action(action(async (ctx, id: string, o: { node?: string[]; wait?: boolean }) => signal(ctx, id, verb === 'pause' ? 'PAUSE' : 'RESUME', o.node, o.wait ?? false)));
  }
}
