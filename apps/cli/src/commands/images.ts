import type { Command } from 'commander';
import { CreateImageUploadUrlDocument, RegisterSoftwareImageDocument, type SoftwareImageFieldsFragment, SoftwareImagesDocument } from '@edgefleet/client';
import { action } from '../context';
import type { Column } from '../output';
import { Progress } from '../progress';
import { putFile } from '../upload';

const IMAGE_COLUMNS: Column<SoftwareImageFieldsFragment>[] = [
  ['VERSION', (i) => i.version],
  ['MAJOR', (i) => (i.majorVersionUpdate ? 'yes' : 'no')],
  ['SIZE', (i) => i.size],
  ['SHA256', (i) => i.sha256 ?? 'not uploaded'],
  ['UPLOADED', (i) => i.uploadedAt],
  ['NOTES', (i) => i.releaseNotes],
];

export function imagesCommand(program: Command): void {
  const images = program.command('images').description('Software images for OTA jobs and rollouts: register and upload one, list them.');

  images
    .command('list')
    .description('Software images, newest version first.')
    .action(action(async (ctx) => ctx.out.list((await ctx.api.data(SoftwareImagesDocument)).softwareImages, IMAGE_COLUMNS)));

  images
    .command('upload <version> <file>')
    .description('Registers software image <version> (unless it is registered already) and uploads its file through a signed URL, with a progress bar.')
    .option('--release-notes <text>', 'what the version brings')
    .option('--major', 'a major update: devices install it only with allowMajorVersionUpdate')
    .action(
      action(async (ctx, version: string, file: string, o: { releaseNotes?: string; major?: boolean }) => {
        const existing = (await ctx.api.data(SoftwareImagesDocument)).softwareImages.find((i) => i.version === version);
        if (!existing) await ctx.api.data(RegisterSoftwareImageDocument, { input: { version, releaseNotes: o.releaseNotes, majorVersionUpdate: o.major } });
        const { createUploadUrl } = await ctx.api.data(CreateImageUploadUrlDocument, { version });
        const progress = new Progress();
        await putFile(createUploadUrl.url, file, progress).finally(() => progress.stop());
        const image = (await ctx.api.data(SoftwareImagesDocument)).softwareImages.find((i) => i.version === version)!;
        ctx.out.record(image, IMAGE_COLUMNS.map(([h, v]) => [h, v(image)]));
      }),
    );
}
