import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ClipDocument, ClipsDocument, type ClipFieldsFragment, CreateRoleAliasDocument, DeleteRoleAliasDocument, RoleAliasDocument, type RoleAliasFieldsFragment, RoleAliasesDocument, UpdateRoleAliasDocument } from '@edgefleet/client';
import { action, integer, readText } from '../context';
import { CliError, EXIT } from '../errors';
import type { Column } from '../output';

const ALIAS_COLUMNS: Column<RoleAliasFieldsFragment>[] = [
  ['ROLE ALIAS', (a) => a.roleAlias],
  ['DURATION', (a) => `${a.credentialDurationSeconds}s`],
  ['ROLE ARN', (a) => a.roleArn ?? '-'],
  ['MODIFIED', (a) => a.lastModifiedDate],
];
const CLIP_COLUMNS: Column<ClipFieldsFragment>[] = [
  ['CLIP ID', (c) => c.clipId],
  ['CAMERA', (c) => c.camera],
  ['STARTED', (c) => c.startedAt],
  ['SIZE', (c) => String(c.sizeBytes)],
  ['UPLOADED BY', (c) => c.uploadedBy],
  ['KEY', (c) => c.objectKey],
];

const aliasRecord = (a: RoleAliasFieldsFragment): [string, string][] => [
  ['Role alias', a.roleAlias],
  ['ARN', a.roleAliasArn],
  ['Role ARN', a.roleArn ?? '-'],
  ['Credential duration', `${a.credentialDurationSeconds} s`],
  ['Policy', a.policyDocument],
  ['Created', a.creationDate],
  ['Modified', a.lastModifiedDate],
];

interface AliasOptions {
  policyDocument?: string;
  roleArn?: string;
  duration?: number;
}
const aliasInput = (o: AliasOptions) => ({ policyDocument: o.policyDocument === undefined ? undefined : readText(o.policyDocument), roleArn: o.roleArn, credentialDurationSeconds: o.duration });
const aliasOptions = (c: Command) =>
  c
    .option('--policy-document <file>', "the IAM policy (JSON) of what the credentials allow on the S3-compatible endpoint, e.g. s3:PutObject on arn:aws:s3:::edgefleet-clips/clips/${credentials-iot:ThingName}/*; - reads stdin")
    .option('--role-arn <arn>', 'the IAM role it stands for (required with IOT_BACKEND=aws)')
    .option('--duration <seconds>', 'how long issued credentials last, 900 to 43200', integer('--duration', 900, 43_200));

/** `edgefleet role-aliases …` (AWS IoT's credentials provider) and `edgefleet clips …` (what devices upload with those credentials). */
export function credentialsCommands(program: Command): void {
  const aliases = program.command('role-aliases').description("Role aliases: what devices exchange their certificates for at the credentials provider (AWS IoT's), temporary credentials their policy bounds.");
  aliases
    .command('list')
    .description('Role aliases, by name.')
    .option('--first <n>', 'how many (at most 100)', integer('--first', 1, 100), 100)
    .action(
      action(async (ctx, o: { first: number }) => {
        const { roleAliases } = await ctx.api.data(RoleAliasesDocument, { first: o.first });
        ctx.out.list(roleAliases.edges.map((e) => e.node), ALIAS_COLUMNS);
      }),
    );
  aliases
    .command('get <roleAlias>')
    .description('One role alias, with its policy.')
    .action(
      action(async (ctx, roleAlias: string) => {
        const { roleAlias: a } = await ctx.api.data(RoleAliasDocument, { roleAlias });
        ctx.out.record(a, aliasRecord(a));
      }),
    );
  aliasOptions(aliases.command('create <roleAlias>').description('Creates a role alias (ADMIN); without a policy it allows nothing.')).action(
    action(async (ctx, roleAlias: string, o: AliasOptions) => {
      const { createRoleAlias: a } = await ctx.api.data(CreateRoleAliasDocument, { input: { roleAlias, ...aliasInput(o) } });
      ctx.out.record(a, aliasRecord(a));
    }),
  );
  aliasOptions(aliases.command('update <roleAlias>').description('Changes what is given (ADMIN); credentials already issued follow the new policy within seconds.')).action(
    action(async (ctx, roleAlias: string, o: AliasOptions) => {
      const input = aliasInput(o);
      if (Object.values(input).every((v) => v === undefined)) throw new CliError('nothing to change: give --policy-document, --role-arn or --duration.', EXIT.USAGE);
      const { updateRoleAlias: a } = await ctx.api.data(UpdateRoleAliasDocument, { roleAlias, input });
      ctx.out.record(a, aliasRecord(a));
    }),
  );
  aliases
    .command('delete <roleAlias>')
    .description('Deletes a role alias (ADMIN): credentials issued for it are refused from then on.')
    .action(
      action(async (ctx, roleAlias: string) => {
        await ctx.api.data(DeleteRoleAliasDocument, { roleAlias });
        ctx.out.say(`Role alias ${roleAlias} deleted.`);
      }),
    );

  const clips = program.command('clips').description("Camera clips devices uploaded to the clips bucket with their temporary credentials.");
  clips
    .command('list <deviceId>')
    .description("A device's clips, newest first.")
    .option('--camera <name>', 'one camera only')
    .option('--from <time>', 'clips that start at or after this (ISO 8601)')
    .option('--to <time>', 'clips that start at or before this (ISO 8601)')
    .option('--first <n>', 'how many (at most 100)', integer('--first', 1, 100), 25)
    .action(
      action(async (ctx, deviceId: string, o: { camera?: string; from?: string; to?: string; first: number }) => {
        const { clips: page } = await ctx.api.data(ClipsDocument, { deviceId, camera: o.camera, from: o.from, to: o.to, first: o.first });
        ctx.out.list(page.edges.map((e) => e.node), CLIP_COLUMNS);
      }),
    );
  clips
    .command('get <clipId>')
    .description('Downloads a clip (MP4) to a file.')
    .requiredOption('--out <file>', 'where to write it')
    .action(
      action(async (ctx, clipId: string, o: { out: string }) => {
        const { clip } = await ctx.api.data(ClipDocument, { clipId });
        const res = await fetch(clip.url);
        if (!res.ok || !res.body) throw new CliError(`cannot download clip ${clipId}: HTTP ${res.status}`, EXIT.FAILED);
        await pipeline(Readable.fromWeb(res.body as never), createWriteStream(o.out));
        ctx.out.say(`Wrote ${clip.sizeBytes} bytes (${clip.deviceId} ${clip.camera}, ${clip.startedAt}) to ${o.out}.`);
      }),
    );
}
