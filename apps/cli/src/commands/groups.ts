import type { Command } from 'commander';
import {
  AddThingToThingGroupDocument,
  CancelDeploymentDocument,
  CreateDeploymentDocument,
  CreateThingGroupDocument,
  type DeploymentFailureHandling,
  type Operation,
  type DeploymentFieldsFragment,
  DeploymentDevicesDocument,
  DeploymentDocument,
  DeploymentsDocument,
  DeleteThingGroupDocument,
  RemoveThingFromThingGroupDocument,
  ReviseDeploymentDocument,
  type RevisionRolloutInput,
  type ThingGroupFieldsFragment,
  ThingGroupDocument,
  ThingGroupMembersDocument,
  ThingGroupsDocument,
  UpdateThingGroupDocument,
} from '@edgefleet/client';
import { action, integer, oneOf, readText } from '../context';
import { CliError, EXIT } from '../errors';
import type { Column } from '../output';
import { applicationFolder } from './applications';

const GROUP_COLUMNS: Column<ThingGroupFieldsFragment>[] = [
  ['NAME', (g) => g.thingGroupName],
  ['KIND', (g) => (g.dynamic ? 'dynamic' : 'static')],
  ['MEMBERS', (g) => g.memberCount],
  ['QUERY', (g) => g.queryString ?? '-'],
  ['VERSION', (g) => g.version],
];
const DEPLOYMENT_COLUMNS: Column<DeploymentFieldsFragment>[] = [
  ['NAME', (d) => d.name],
  ['GROUP', (d) => d.thingGroupName],
  ['INSTANCE', (d) => d.applicationInstanceName],
  ['PRIORITY', (d) => d.priority],
  ['ON FAILURE', (d) => d.failureHandling],
  ['STATUS', (d) => d.status],
  ['REVISION', (d) => d.currentRevision],
];
const deploymentRecord = (d: DeploymentFieldsFragment): [string, unknown][] => [
  ...DEPLOYMENT_COLUMNS.map(([h, v]): [string, unknown] => [h, v(d)]),
  ['HEALTH CHECK', `${d.healthCheckSeconds} s`],
  ['ROLLOUT', d.revisions[0]?.rolloutId],
  ['CREATED', d.createdAt],
];

const FAILURE_HANDLING: Record<DeploymentFailureHandling, true> = { ROLLBACK: true, DO_NOTHING: true };

interface RevisionOptions {
  overrides?: string;
  softwareVersion?: string;
  initial?: number;
  growth?: number;
  maxPerMinute?: number;
  abortPercent?: number;
  abortMin?: number;
}

/** An application folder (graph.json, overrides) and how the revision rolls out, as the api takes them. */
function revisionInput(dir: string, o: RevisionOptions) {
  if ((o.abortPercent === undefined) !== (o.abortMin === undefined)) throw new CliError('--abort-percent and --abort-min go together', EXIT.USAGE);
  const { graphFile, overridesFile } = applicationFolder(dir, o.overrides);
  const rollout: RevisionRolloutInput = {
    ...(o.initial !== undefined ? { waves: { initialSize: o.initial, growthFactor: o.growth ?? 2, maxPerMinute: o.maxPerMinute } } : {}),
    ...(o.abortPercent !== undefined ? { abortConfig: { failurePercent: o.abortPercent, minExecutedForAbort: o.abortMin! } } : {}),
  };
  return {
    manifestPayload: { payloadData: readText(graphFile) },
    ...(overridesFile ? { manifestOverridesPayload: { payloadData: readText(overridesFile) } } : {}),
    ...(o.softwareVersion ? { softwareVersion: o.softwareVersion } : {}),
    ...(Object.keys(rollout).length ? { rollout } : {}),
  };
}

const revisionOptions = (c: Command) =>
  c
    .option('--overrides <file>', 'manifest overrides (default: override.json or overrides.json in the folder)')
    .option('--software-version <version>', 'devices update to this software image first (an OTA job), then run the revision')
    .option('--initial <n>', 'devices in the first wave of the revision (default: as the last revision; 100 at first)', integer('--initial'))
    .option('--growth <factor>', 'each wave is this many times the last', parseFloat)
    .option('--max-per-minute <n>', 'at most this many new deployments a minute', integer('--max-per-minute'))
    .option('--abort-percent <p>', 'abort the revision when this percent of its devices failed', parseFloat)
    .option('--abort-min <n>', '… once at least this many finished', integer('--abort-min'));

/** `edgefleet groups …` (AWS IoT thing groups, static and dynamic) and `edgefleet deployments …` (continuous deployments to them). */
export function groupsCommands(program: Command): void {
  const groups = program.command('groups').description('Thing groups: static (members added by hand) or dynamic (a fleet-indexing query, e.g. "attributes.site:berlin AND softwareVersion>=4.3").');
  groups
    .command('list')
    .description('Thing groups, by name.')
    .option('--first <n>', 'how many (at most 100)', integer('--first', 1, 100), 100)
    .action(action(async (ctx, o: { first: number }) => ctx.out.list((await ctx.api.data(ThingGroupsDocument, { first: o.first })).thingGroups.edges.map((e) => e.node), GROUP_COLUMNS)));
  groups
    .command('get <name>')
    .description('One group.')
    .action(
      action(async (ctx, name: string) => {
        const { thingGroup: g } = await ctx.api.data(ThingGroupDocument, { name });
        ctx.out.record(g, [...GROUP_COLUMNS.map(([h, v]): [string, unknown] => [h, v(g)]), ['ARN', g.thingGroupArn], ['DESCRIPTION', g.description], ['CREATED', g.creationDate]]);
      }),
    );
  groups
    .command('create <name>')
    .description('Creates a group; with --query a dynamic one, whose members follow the devices as they change.')
    .option('--query <query>', "the fleet-indexing query of a dynamic group: thingName, deviceName, attributes.<tag>, softwareVersion, deviceType, brand, provisioningStatus, connectivity.connected …")
    .option('--description <text>', 'what it is for')
    .action(
      action(async (ctx, name: string, o: { query?: string; description?: string }) => {
        const { createThingGroup: g } = await ctx.api.data(CreateThingGroupDocument, { input: { thingGroupName: name, queryString: o.query, description: o.description } });
        ctx.out.record(g, GROUP_COLUMNS.map(([h, v]) => [h, v(g)]));
      }),
    );
  groups
    .command('update <name>')
    .description("Changes a group's description, or a dynamic group's query (its members are evaluated again).")
    .option('--query <query>', 'the new query')
    .option('--description <text>', 'the new description')
    .action(
      action(async (ctx, name: string, o: { query?: string; description?: string }) => {
        if (o.query === undefined && o.description === undefined) throw new CliError('nothing to change: give --query or --description.', EXIT.USAGE);
        const { updateThingGroup: g } = await ctx.api.data(UpdateThingGroupDocument, { name, input: { queryString: o.query, description: o.description } });
        ctx.out.record(g, GROUP_COLUMNS.map(([h, v]) => [h, v(g)]));
      }),
    );
  groups
    .command('delete <name>')
    .description('Deletes a group (refused while an active deployment targets it).')
    .action(action(async (ctx, name: string) => ctx.out.say(`deleted ${(await ctx.api.data(DeleteThingGroupDocument, { name })).deleteThingGroup.thingGroupName}`)));
  const changes: [string, Operation<Record<string, ThingGroupFieldsFragment>, { name: string; deviceId: string }>, string][] = [
    ['add', AddThingToThingGroupDocument, "Adds a device to a static group: the group's deployments reach it."],
    ['remove', RemoveThingFromThingGroupDocument, "Removes a device from a static group: the group's deployments are removed from it."],
  ];
  for (const [verb, doc, what] of changes) {
    groups
      .command(`${verb} <name> <deviceId>`)
      .description(what)
      .action(
        action(async (ctx, name: string, deviceId: string) => {
          const g = Object.values(await ctx.api.data(doc, { name, deviceId }))[0]; // each answers the group under its own field
          ctx.out.record(g, GROUP_COLUMNS.map(([h, v]) => [h, v(g)]));
        }),
      );
  }
  groups
    .command('members <name>')
    .description("A group's devices, by id.")
    .option('--first <n>', 'how many (at most 100)', integer('--first', 1, 100), 100)
    .action(
      action(async (ctx, name: string, o: { first: number }) => {
        const { thingGroupMembers } = await ctx.api.data(ThingGroupMembersDocument, { name, first: o.first });
        ctx.out.list(thingGroupMembers.edges.map((e) => e.node), [['DEVICE ID', (m) => m.deviceId], ['NAME', (m) => m.name], ['JOINED', (m) => m.addedAt]]);
      }),
    );

  const deployments = program.command('deployments').description("Continuous deployments to thing groups: every member runs the deployment's application, devices that join included; new revisions roll out in waves.");
  deployments
    .command('list')
    .description('Deployments, by name.')
    .option('--group <name>', 'only those to this group')
    .action(action(async (ctx, o: { group?: string }) => ctx.out.list((await ctx.api.data(DeploymentsDocument, { first: 100, thingGroupName: o.group })).deployments.edges.map((e) => e.node), DEPLOYMENT_COLUMNS)));
  deployments
    .command('get <name>')
    .description('One deployment and its revisions.')
    .action(
      action(async (ctx, name: string) => {
        const { deployment: d } = await ctx.api.data(DeploymentDocument, { name });
        ctx.out.record(d, deploymentRecord(d));
      }),
    );
  revisionOptions(
    deployments
      .command('create <name> <app-folder>')
      .description('Deploys an application folder (graph.json, and overrides) to every member of a group, as revision 1.')
      .requiredOption('--group <name>', 'the thing group')
      .option('--instance-name <name>', "each device's application instance name (default: the deployment's); deployments naming the same one conflict")
      .option('--priority <n>', 'on a conflict the higher priority applies (0 to 1000)', integer('--priority', 0, 1000))
      .option('--on-failure <handling>', 'ROLLBACK (default): a revision unhealthy soon after it runs is replaced by the last that ran; DO_NOTHING', oneOf('--on-failure', FAILURE_HANDLING))
      .option('--health-check-seconds <s>', 'with ROLLBACK: how long after running an ERROR health rolls back (10 to 86400)', integer('--health-check-seconds', 10, 86_400)),
  ).action(
    action(async (ctx, name: string, dir: string, o: RevisionOptions & { group: string; instanceName?: string; priority?: number; onFailure?: DeploymentFailureHandling; healthCheckSeconds?: number }) => {
      const { createDeployment: d } = await ctx.api.data(CreateDeploymentDocument, {
        input: { deploymentName: name, thingGroupName: o.group, applicationInstanceName: o.instanceName, priority: o.priority, failureHandling: o.onFailure, healthCheckSeconds: o.healthCheckSeconds, ...revisionInput(dir, o) },
      });
      ctx.out.record(d, deploymentRecord(d));
    }),
  );
  revisionOptions(deployments.command('revise <name> <app-folder>').description('A new revision of the deployment, rolled out to the members in waves.')).action(
    action(async (ctx, name: string, dir: string, o: RevisionOptions) => {
      const { reviseDeployment: d } = await ctx.api.data(ReviseDeploymentDocument, { name, input: revisionInput(dir, o) });
      ctx.out.record(d, deploymentRecord(d));
    }),
  );
  deployments
    .command('cancel <name>')
    .description('Cancels the deployment: its application is removed from every device.')
    .action(
      action(async (ctx, name: string) => {
        const { cancelDeployment: d } = await ctx.api.data(CancelDeploymentDocument, { name });
        ctx.out.record(d, deploymentRecord(d));
      }),
    );
  deployments
    .command('devices <name>')
    .description('The deployment on each member device: its state and the revision it runs.')
    .option('--first <n>', 'how many (at most 100)', integer('--first', 1, 100), 100)
    .action(
      action(async (ctx, name: string, o: { first: number }) => {
        const { deploymentDevices } = await ctx.api.data(DeploymentDevicesDocument, { name, first: o.first });
        ctx.out.list(deploymentDevices.edges.map((e) => e.node), [
          ['DEVICE ID', (d) => d.deviceId],
          ['NAME', (d) => d.deviceName],
          ['STATE', (d) => d.state],
          ['REVISION', (d) => d.revision ?? '-'],
          ['WHY', (d) => d.statusDescription ?? ''],
        ]);
      }),
    );
}
