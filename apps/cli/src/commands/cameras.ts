import type { Command } from 'commander';
import { CameraDocument, type CameraFieldsFragment, CamerasDocument, CreateCameraDocument } from '@edgefleet/client';
import { type Context, action, ask, integer, readSecretFile } from '../context';
import { CliError, EXIT } from '../errors';
import type { Column } from '../output';

const CAMERA_COLUMNS: Column<CameraFieldsFragment>[] = [
  ['JOB ID', (c) => c.jobId],
  ['NODE', (c) => c.nodeName],
  ['INTERFACE (IN MANIFESTS)', (c) => c.interface],
  ['PACKAGE', (c) => `${c.outputPackageName} ${c.outputPackageVersion}`],
  ['STATUS', (c) => c.status],
  ['STREAM', (c) => c.streamUrl],
  ['CREDENTIALS', (c) => (c.credentials.stored ? 'stored' : 'missing')],
  ['MESSAGE', (c) => c.statusMessage],
];

const POLL_MS = 500;

/** Until the worker made the camera's package (SUCCEEDED) or said why not (FAILED). */
async function waitForCamera(ctx: Context, jobId: string): Promise<CameraFieldsFragment> {
  for (;;) {
    const { nodeFromTemplateJob: c } = await ctx.api.data(CameraDocument, { jobId });
    if (c.status !== 'PENDING') return c;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export function camerasCommand(program: Command): void {
  const cameras = program.command('cameras').description('Camera streams: RTSP cameras as nodes (Panorama CreateNodeFromTemplateJob); credentials stay in the secret store.');

  cameras
    .command('list')
    .description('Camera streams and the jobs that made them.')
    .option('--first <n>', 'how many (at most 100)', integer('--first', 1, 100), 25)
    .action(action(async (ctx, o: { first: number }) => ctx.out.list((await ctx.api.data(CamerasDocument, { first: o.first })).nodeFromTemplateJobs.edges.map((e) => e.node), CAMERA_COLUMNS)));

  cameras
    .command('add <name>')
    .description('Adds an RTSP camera stream. The password is asked without echo, or read from --password-file (- for stdin).')
    .requiredOption('--url <rtsp-url>', 'the stream URL, e.g. rtsp://192.168.0.77/live/mpeg4/')
    .requiredOption('--username <username>', "the camera's user name")
    .option('--password-file <file>', 'read the password from this file (- for stdin) instead of asking')
    .option('--package-name <name>', 'name of the camera package (default: the camera name)')
    .option('--package-version <version>', 'version of the camera package', '1.0')
    .option('--description <text>', 'a description of the node')
    .option('--no-wait', 'return at once, while the worker still makes the package')
    .action(
      action(async (ctx, name: string, o: { url: string; username: string; passwordFile?: string; packageName?: string; packageVersion: string; description?: string; wait: boolean }) => {
        const password = o.passwordFile ? readSecretFile(o.passwordFile) : await ask(`Password for ${o.username}@${name}: `, true);
        if (!password) throw new CliError('the camera password is empty', EXIT.USAGE);
        const { createNodeFromTemplateJob: job } = await ctx.api.data(CreateCameraDocument, {
          input: {
            templateType: 'RTSP_CAMERA_STREAM',
            nodeName: name,
            nodeDescription: o.description,
            outputPackageName: o.packageName ?? name,
            outputPackageVersion: o.packageVersion,
            templateParameters: { streamUrl: o.url, username: o.username, password },
          },
        });
        const c = o.wait ? await waitForCamera(ctx, job.jobId) : job;
        ctx.out.record(c, CAMERA_COLUMNS.map(([h, v]) => [h, v(c)]));
        if (c.status === 'FAILED') throw new CliError(`camera ${name} was not created: ${c.statusMessage ?? 'FAILED'}`, EXIT.FAILED);
      }),
    );
}
