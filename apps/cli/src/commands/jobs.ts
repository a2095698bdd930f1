import type { Command } from 'commander';
import {
  CreateJobForDevicesDocument,
  DeviceJobDocument,
  type DeviceJobFieldsFragment,
  DeviceJobsDocument,
  FINISHED_JOB_STATUSES,
  JobUpdatedDocument,
  type JobType,
} from '@edgefleet/client';
import { type Context, action, integer } from '../context';
import { CliError, EXIT } from '../errors';
import { follow } from '../follow';
import type { Column } from '../output';
import { Progress } from '../progress';

const JOB_COLUMNS: Column<DeviceJobFieldsFragment>[] = [
  ['JOB ID', (j) => j.jobId],
  ['TYPE', (j) => j.jobType],
  ['DEVICE', (j) => j.deviceId],
  ['NAME', (j) => j.deviceName],
  ['STATUS', (j) => j.status],
  ['IMAGE', (j) => j.imageVersion],
  ['REASON', (j) => j.statusReason],
  ['CREATED', (j) => j.createdTime],
];

/** How far along a job of each type is, for its progress bar. */
const STEPS: Record<string, string[]> = {
  OTA: ['PENDING', 'IN_PROGRESS', 'DOWNLOADING', 'VERIFYING', 'REBOOTING', 'COMPLETED'],
  REBOOT: ['PENDING', 'IN_PROGRESS', 'REBOOTING', 'COMPLETED'],
};

/** Follows jobs with a progress bar each until they finish; exit code 5 when one did not complete. */
export async function waitForJobs(ctx: Context, jobs: { jobId: string; jobType: string }[]): Promise<void> {
  const progress = new Progress();
  const typeOf = new Map(jobs.map((j) => [j.jobId, j.jobType]));
  let final: Map<string, DeviceJobFieldsFragment>;
  try {
    final = await follow(ctx, [...typeOf.keys()], {
      subscription: JobUpdatedDocument,
      variables: (jobId) => ({ jobId }),
      fromEvent: (e) => e.jobUpdated,
      read: async (jobId) => (await ctx.api.data(DeviceJobDocument, { jobId })).deviceJob,
      done: (j) => FINISHED_JOB_STATUSES.has(j.status),
      onChange: (jobId, j) => {
        const steps = STEPS[typeOf.get(jobId)!] ?? STEPS.OTA;
        const at = FINISHED_JOB_STATUSES.has(j.status) ? steps.length - 1 : Math.max(0, steps.indexOf(j.status));
        progress.update(jobId, at, steps.length - 1, j.status + (j.statusReason && j.status !== 'COMPLETED' ? ` (${j.statusReason})` : ''));
      },
    });
  } finally {
    progress.stop();
  }
  const rows = [...final.values()];
  ctx.out.list(rows, JOB_COLUMNS);
  const failed = rows.filter((j) => j.status !== 'COMPLETED');
  if (failed.length) throw new CliError(`${failed.length} of ${rows.length} jobs did not complete: ${failed.map((j) => `${j.jobId} ${j.status}`).join(', ')}`, EXIT.FAILED);
}

async function createJobs(ctx: Context, jobType: JobType, deviceIds: string[], wait: boolean, imageVersion?: string, allowMajor?: boolean) {
  const { createJobForDevices } = await ctx.api.data(CreateJobForDevicesDocument, {
    input: { jobType, deviceIds, ...(jobType === 'OTA' ? { deviceJobConfig: { otaJobConfig: { imageVersion: imageVersion!, allowMajorVersionUpdate: allowMajor ?? false } } } : {}) },
  });
  const jobs = createJobForDevices.jobs.map((j) => ({ ...j, jobType }));
  if (!wait) return ctx.out.list(jobs, [['JOB ID', (j) => j.jobId], ['DEVICE', (j) => j.deviceId]]);
  await waitForJobs(ctx, jobs);
}

export function jobsCommand(program: Command): void {
  const jobs = program.command('jobs').description('Device jobs: OTA software updates and reboots (Panorama CreateJobForDevices).');

  jobs
    .command('list')
    .description('Recent jobs, of one device or of all.')
    .option('--device <deviceId>', 'only this device')
    .option('--first <n>', 'how many (at most 100)', integer('--first', 1, 100), 25)
    .action(
      action(async (ctx, opts: { device?: string; first: number }) => {
        const page = await ctx.api.data(DeviceJobsDocument, { deviceId: opts.device, first: opts.first });
        const rows = page.devicesJobs.edges.map((e) => e.node);
        ctx.out.list(rows, JOB_COLUMNS);
      }),
    );

  jobs
    .command('describe <jobId>')
    .description('One job, with its timeline.')
    .action(
      action(async (ctx, jobId: string) => {
        const { deviceJob: j } = await ctx.api.data(DeviceJobDocument, { jobId });
        ctx.out.record(j, [...JOB_COLUMNS.map(([h, v]): [string, unknown] => [h, v(j)]), ['STARTED', j.startedAt], ['COMPLETED', j.completedAt]]);
        ctx.out.section('Timeline');
        if (ctx.out.format === 'table') ctx.out.list(j.timeline, [['AT', (t) => t.at], ['FROM', (t) => t.from], ['TO', (t) => t.to], ['BY', (t) => t.actor], ['REASON', (t) => t.reason]]);
      }),
    );

  jobs
    .command('reboot <deviceIds...>')
    .description('Reboots devices; with --wait, follows each job live until it finishes.')
    .option('--wait', 'follow the jobs until they finish (exit code 5 if one fails)')
    .action(action(async (ctx, deviceIds: string[], opts: { wait?: boolean }) => createJobs(ctx, 'REBOOT', deviceIds, opts.wait ?? false)));

  jobs
    .command('ota <deviceIds...>')
    .description('Updates devices to a software image (register and upload it first); with --wait, follows each job live.')
    .requiredOption('--version <version>', 'the software image version, e.g. 5.1.3')
    .option('--allow-major', 'allow a major version update')
    .option('--wait', 'follow the jobs until they finish (exit code 5 if one fails)')
    .action(action(async (ctx, deviceIds: string[], opts: { version: string; allowMajor?: boolean; wait?: boolean }) => createJobs(ctx, 'OTA', deviceIds, opts.wait ?? false, opts.version, opts.allowMajor)));
}
