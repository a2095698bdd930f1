import type { Command } from 'commander';
import { type ApiKeyFieldsFragment, type ApiKeyRole, ApiKeysDocument, CreateAccessKeyDocument, CreateApiKeyDocument, RevokeApiKeyDocument } from '@edgefleet/client';
import { action, oneOf } from '../context';
import type { Column } from '../output';

const KEY_COLUMNS: Column<ApiKeyFieldsFragment>[] = [
  ['ID', (k) => k.id],
  ['NAME', (k) => k.name],
  ['ROLE', (k) => k.role],
  ['PREFIX', (k) => k.prefix],
  ['CREATED', (k) => k.createdAt],
  ['LAST USED', (k) => k.lastUsedAt],
  ['REVOKED', (k) => k.revokedAt],
];
const ROLES: Record<ApiKeyRole, true> = { VIEWER: true, OPERATOR: true, ADMIN: true };

export function keysCommand(program: Command): void {
  const keys = program.command('keys').description("Your organization's API keys and access keys (ADMIN): create one (shown once), list, revoke.");

  keys
    .command('list')
    .description('Every key of the organization, oldest first; revoked ones say when.')
    .action(action(async (ctx) => ctx.out.list((await ctx.api.data(ApiKeysDocument)).apiKeys, KEY_COLUMNS)));

  keys
    .command('create <name>')
    .description('Creates an API key (Bearer, for GraphQL, the CLI and the console), or with --access-key an access key for the Panorama API and CloudWatch Logs (SigV4, the aws CLI). The secret is printed once.')
    .requiredOption('--role <role>', 'VIEWER reads; OPERATOR also changes the fleet; ADMIN also manages keys', oneOf('--role', ROLES))
    .option('--access-key', 'an access key (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) instead of an API key')
    .action(
      action(async (ctx, name: string, o: { role: ApiKeyRole; accessKey?: boolean }) => {
        const input = { name, role: o.role };
        if (o.accessKey) {
          const { createAccessKey: k } = await ctx.api.data(CreateAccessKeyDocument, { input });
          ctx.out.record(k, [...KEY_COLUMNS.map(([h, v]): [string, unknown] => [h, v(k.apiKey)]), ['AWS_ACCESS_KEY_ID', k.accessKeyId], ['AWS_SECRET_ACCESS_KEY', k.secretAccessKey]]);
        } else {
          const { createApiKey: k } = await ctx.api.data(CreateApiKeyDocument, { input });
          ctx.out.record(k, [...KEY_COLUMNS.map(([h, v]): [string, unknown] => [h, v(k.apiKey)]), ['KEY', k.secret]]);
        }
        ctx.out.note('The secret is shown this once: store it now.');
      }),
    );

  keys
    .command('revoke <id>')
    .description('Revokes a key (API key or access key) at once, on every api process.')
    .action(
      action(async (ctx, id: string) => {
        const { revokeApiKey: k } = await ctx.api.data(RevokeApiKeyDocument, { id });
        ctx.out.record(k, KEY_COLUMNS.map(([h, v]) => [h, v(k)]));
      }),
    );
}
