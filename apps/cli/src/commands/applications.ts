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
import { type Context, action, collect, integer, readText } from '../context';
import { CliError, EXIT } from '../errors';
import { follow } from '../follow';
import type { Column } from '../output';
import { Progress } from '../progress';

const APP_COLUMNS: Column<ApplicationFieldsFragment>[] = [
  ['APPLICATION INSTANCE ID', (a) => a.applicationInstanceId],
  ['NAME', (a) => a.name],
  ['DEVICE', (a) => a.defaultRuntimeContextDevice],
  ['STATUS', (a) => a.status],
  ['HEALTH', (a) => a.healthStatus],
  ['DESCRIPTION', (a) => a.statusDescription],
];

const DEPLOY_STEPS = ['DEPLOYMENT_PENDING', 'DEPLOYMENT_REQUESTED', 'DEPLOYMENT_IN_PROGRESS', 'DEPLOYMENT_SUCCEEDED'];

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

/** Follows one instance (through its device's subscription) until its deployment ended; exit code 5 unless it succeeded. */
async function waitForDeployment(ctx: Context, instance: ApplicationFieldsFragment): Promise<void> {
  const id = instance.applicationInstanceId;
  const progress = new Progress();
  let final: ApplicationFieldsFragment;
  try {
    final = (
      await follow(ctx, [id], {
        subscription: ApplicationUpdatedDocument,
        variables: () => ({ deviceId: instance.defaultRuntimeContextDevice }),
        fromEvent: (e) => (e.applicationInstanceUpdated.applicationInstanceId === id ? e.applicationInstanceUpdated : undefined),
        read: async () => (await ctx.api.data(ApplicationDocument, { id })).applicationInstance,
        done: (a) => ENDED_DEPLOYMENT_STATUSES.has(a.status),
        onChange: (_id, a) => progress.update(a.name ?? id, Math.max(0, DEPLOY_STEPS.indexOf(a.status)), DEPLOY_STEPS.length - 1, `${a.status} ${a.healthStatus}${a.statusDescription ? ` · ${a.statusDescription}` : ''}`),
      })
    ).get(id)!;
  } finally {
    progress.stop();
  }
  ctx.out.record(final, APP_COLUMNS.map(([h, v]) => [h, v(final)]));
  if (final.status !== 'DEPLOYMENT_SUCCEEDED') throw new CliError(`deployment of ${id} ended ${final.status}: ${final.statusDescription ?? ''}`, EXIT.FAILED);
}

export function deployCommand(program: Command): void {
  program
    .command('deploy <dir>')
    .description('Deploys an application folder (graph.json, and overrides) to a device: checks the manifest first and shows every problem precisely.')
    .requiredOption('--device <deviceId>', 'the device that runs it')
    .option('--name <name>', 'the application instance name (default: the folder name)')
    .option('--description <text>', 'a description')
    .option('--overrides <file>', 'manifest overrides (default: override.json or overrides.json in the folder)')
    .option('--runtime-role-arn <arn>', 'the runtime role of the application')
    .option('--replace <applicationInstanceId>', 'replace this instance (it keeps running if the new one fails)')
    .option('--validate-only', 'only check the manifest and overrides')
    .option('--wait', 'follow the deployment until it ends (exit code 5 unless it succeeds)')
    .action(
      action(async (ctx, dir: string, o: { device: string; name?: string; description?: string; overrides?: string; runtimeRoleArn?: string; replace?: string; validateOnly?: boolean; wait?: boolean }) => {
        const { graphFile, overridesFile } = applicationFolder(dir, o.overrides);
        const manifest = readText(graphFile);
        const overrides = overridesFile ? readText(overridesFile) : undefined;
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
            manifestPayload: { payloadData: manifest },
            ...(overrides ? { manifestOverridesPayload: { payloadData: overrides } } : {}),
          },
        });
        if (o.wait) return waitForDeployment(ctx, a);
        ctx.out.record(a, APP_COLUMNS.map(([h, v]) => [h, v(a)]));
      }),
    );
}

async function signal(ctx: Context, id: string, signal: 'PAUSE' | 'RESUME', nodes: string[] | undefined) {
  const targets = nodes?.length ? nodes : (await ctx.api.data(ApplicationDocument, { id })).applicationInstanceNodeInstances.map((n) => n.nodeInstanceId);
  const { signalApplicationInstanceNodeInstances: a } = await ctx.api.data(SignalNodesDocument, { id, signals: targets.map((nodeInstanceId) => ({ nodeInstanceId, signal })) });
  ctx.out.record(a, [...APP_COLUMNS.map(([h, v]): [string, unknown] => [h, v(a)]), ['SIGNALED', `${signal} ${targets.join(',')}`]]);
}

export function appsCommand(program: Command): void {
  const apps = program.command('apps').description('Application instances: list, describe (with node statuses), remove, pause, resume.');

  apps
    .command('list')
    .description('Application instances, of one device or of all.')
    .option('--device <deviceId>', 'only this device')
    .option('--status <filter>', 'DEPLOYMENT_SUCCEEDED, DEPLOYMENT_ERROR, DEPLOYMENT_FAILED, REMOVAL_SUCCEEDED, REMOVAL_FAILED, PROCESSING_DEPLOYMENT, PROCESSING_REMOVAL')
    .option('--first <n>', 'how many (at most 100)', integer('--first', 1, 100), 25)
    .action(
      action(async (ctx, o: { device?: string; status?: string; first: number }) => {
        const page = await ctx.api.data(ApplicationsDocument, { first: o.first, filter: { deviceId: o.device, statusFilter: o.status?.toUpperCase() as ApplicationInstanceStatusFilter | undefined } });
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
    .action(
      action(async (ctx, id: string) => {
        const { removeApplicationInstance: a } = await ctx.api.data(RemoveApplicationDocument, { id });
        ctx.out.record(a, APP_COLUMNS.map(([h, v]) => [h, v(a)]));
      }),
    );

  for (const verb of ['pause', 'resume'] as const) {
    apps
      .command(`${verb} <applicationInstanceId>`)
      .description(`${verb === 'pause' ? 'Pauses' : 'Resumes'} the nodes of an application instance (all, or those given with --node).`)
      .option('--node <nodeInstanceId>', 'only this node (repeatable)', collect)
      .action(action(async (ctx, id: string, o: { node?: string[] }) => signal(ctx, id, verb === 'pause' ? 'PAUSE' : 'RESUME', o.node)));
  }
}
