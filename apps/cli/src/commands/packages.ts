import type { Command } from 'commander';
import path from 'node:path';
import {
  CreatePackageDocument,
  PackageAssetUploadUrlDocument,
  PackageDocument,
  type PackageFieldsFragment,
  PackagesDocument,
  RegisterPackageVersionDocument,
} from '@edgefleet/client';
import { type Context, action, integer, readText } from '../context';
import { CliError, EXIT } from '../errors';
import type { Column } from '../output';
import { Progress } from '../progress';
import { fileSize, putFile, sha256Of } from '../upload';

const PACKAGE_COLUMNS: Column<PackageFieldsFragment>[] = [
  ['PACKAGE ID', (p) => p.packageId],
  ['NAME', (p) => p.packageName],
  // A manifest's packages[].name: <account id>::<name>, the account id being the ARN's.
  ['IN MANIFESTS', (p) => `${p.arn.split(':')[4]}::${p.packageName}`],
  ['CAMERA', (p) => (p.camera ? 'yes' : 'no')],
  ['VERSIONS', (p) => p.versions.map((v) => `${v.packageVersion}${v.isLatestPatch ? '*' : ''}`)],
  ['CREATED', (p) => p.createdTime],
];

/** Uploads one file through a signed URL, once (a file the package already has is skipped); returns its SHA-256. */
export async function uploadAsset(ctx: Context, packageId: string, file: string, progress: Progress): Promise<{ file: string; sha256: string; sizeBytes: number; uploaded: boolean }> {
  const sizeBytes = fileSize(file);
  const name = path.basename(file);
  progress.update(name, 0, Math.max(1, sizeBytes), 'hashing');
  const sha256 = await sha256Of(file);
  const { createPackageAssetUploadUrl: u } = await ctx.api.data(PackageAssetUploadUrlDocument, { packageId, sha256, sizeBytes });
  if (u.alreadyUploaded || !u.url) {
    progress.update(name, sizeBytes, Math.max(1, sizeBytes), 'already uploaded');
    return { file, sha256, sizeBytes, uploaded: false };
  }
  await putFile(u.url, file, progress);
  return { file, sha256, sizeBytes, uploaded: true };
}

export function packagesCommand(program: Command): void {
  const packages = program.command('packages').description('Node packages: create, upload assets (progress bars), register versions from their package.json.');

  packages
    .command('list')
    .description('Packages (camera streams included); * marks the latest patch of a version.')
    .option('--first <n>', 'how many (at most 100)', integer('--first', 1, 100), 25)
    .action(action(async (ctx, o: { first: number }) => ctx.out.list((await ctx.api.data(PackagesDocument, { first: o.first })).packages.edges.map((e) => e.node), PACKAGE_COLUMNS)));

  packages
    .command('describe <packageId>')
    .description('One package: its versions and uploaded files.')
    .action(
      action(async (ctx, packageId: string) => {
        const { package: p } = await ctx.api.data(PackageDocument, { packageId });
        ctx.out.record(p, [...PACKAGE_COLUMNS.map(([h, v]): [string, unknown] => [h, v(p)]), ['ARN', p.arn]]);
        if (ctx.out.format === 'json') return;
        ctx.out.section('Versions');
        ctx.out.list(p.versions, [['VERSION', (v) => v.packageVersion], ['PATCH', (v) => v.patchVersion], ['STATUS', (v) => v.status], ['LATEST', (v) => (v.isLatestPatch ? 'yes' : 'no')], ['REGISTERED', (v) => v.registeredTime]]);
        ctx.out.section('Files');
        ctx.out.list(p.assets, [['SHA256', (a) => a.sha256], ['BYTES', (a) => a.sizeBytes], ['UPLOADED', (a) => a.uploadedAt]]);
      }),
    );

  packages
    .command('create <name>')
    .description('Creates a node package (Panorama CreatePackage).')
    .action(
      action(async (ctx, name: string) => {
        const { createPackage: p } = await ctx.api.data(CreatePackageDocument, { name });
        ctx.out.record(p, PACKAGE_COLUMNS.map(([h, v]) => [h, v(p)]));
      }),
    );

  packages
    .command('upload <packageId> <files...>')
    .description("Uploads a package's files (assets, descriptors, the package.json) through signed URLs, with a progress bar each.")
    .action(
      action(async (ctx, packageId: string, files: string[]) => {
        const progress = new Progress();
        const results = [];
        try {
          for (const file of files) results.push(await uploadAsset(ctx, packageId, file, progress));
        } finally {
          progress.stop();
        }
        ctx.out.list(results, [['FILE', (r) => r.file], ['SHA256', (r) => r.sha256], ['BYTES', (r) => r.sizeBytes], ['UPLOADED', (r) => (r.uploaded ? 'yes' : 'already')]]);
      }),
    );

  packages
    .command('register <packageId> <manifest>')
    .description("Registers a version from its package.json (uploaded first if needed; the patch version is the file's SHA-256). Every file it names must be uploaded.")
    .option('--version <version>', 'the package version (default: nodePackage.version of the manifest)')
    .option('--mark-latest', 'make it the latest patch of its version')
    .action(
      action(async (ctx, packageId: string, manifest: string, o: { version?: string; markLatest?: boolean }) => {
        let version = o.version;
        if (!version) {
          const text = readText(manifest);
          try {
            version = (JSON.parse(text) as { nodePackage?: { version?: string } }).nodePackage?.version;
          } catch (err) {
            throw new CliError(`${manifest} is not a package.json: ${(err as Error).message}`, EXIT.USAGE);
          }
          if (!version) throw new CliError(`${manifest} has no nodePackage.version: pass --version`, EXIT.USAGE);
        }
        const progress = new Progress();
        const uploaded = await uploadAsset(ctx, packageId, manifest, progress).finally(() => progress.stop());
        const { registerPackageVersion: v } = await ctx.api.data(RegisterPackageVersionDocument, { input: { packageId, packageVersion: version, patchVersion: uploaded.sha256, markLatest: o.markLatest } });
        ctx.out.record(v, [
          ['Package', `${v.packageName} (${v.packageId})`],
          ['Version', v.packageVersion],
          ['Patch', v.patchVersion],
          ['Status', v.status + (v.statusDescription ? ` (${v.statusDescription})` : '')],
          ['Latest', v.isLatestPatch ? 'yes' : 'no'],
        ]);
      }),
    );
}
