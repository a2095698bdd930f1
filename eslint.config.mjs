import nx from '@nx/eslint-plugin';
import { readFileSync } from 'node:fs';
import tseslint from 'typescript-eslint';

// Prisma's model delegates (`tx.device`, `this.prisma.packageVersion`), from the schema.
const MODELS = [...readFileSync(new URL('./prisma/schema.prisma', import.meta.url), 'utf8').matchAll(/^model (\w+)/gm)].map(([, m]) => m[0].toLowerCase() + m.slice(1));
const DB_HANDLES = '^(prisma|tx|db)$';
const SQL = 'SQL belongs in a repository (`<feature>.repository.ts`) or a transition file (`<feature>.transitions.ts`); a service calls them.';
const SQL_SELECTORS = [
  { selector: "MemberExpression[property.name=/^\\$(queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe|transaction)$/]", message: SQL },
  { selector: "MemberExpression[object.name='Prisma'][property.name=/^(sql|raw|join|empty)$/]", message: SQL },
  { selector: `MemberExpression[object.name=/${DB_HANDLES}/][property.name=/^(${MODELS.join('|')})$/]`, message: SQL },
  { selector: `MemberExpression[object.property.name=/${DB_HANDLES}/][property.name=/^(${MODELS.join('|')})$/]`, message: SQL },
];
const NO_EXPORT_ALL = { selector: 'ExportAllDeclaration', message: "Name what a library offers: `export { … } from './x'`, not `export *`." };

const IO = ['@nestjs/*', '@prisma/*', 'pg', 'ioredis', 'bullmq', 'mqtt', 'aedes', '@aws-sdk/*', 'fastify', 'mercurius'];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', 'libs/db/src/generated/**', 'libs/client/src/generated/**', 'coverage/**', '.data/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      // The dependency direction of ARCHITECTURE.md: apps → feature libs → ports → contracts → domain.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:port', 'type:contracts', 'type:domain', 'type:config', 'type:e2e'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:feature', 'type:port', 'type:contracts', 'type:domain', 'type:config'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:port', 'type:contracts', 'type:domain', 'type:config'] },
            { sourceTag: 'type:port', onlyDependOnLibsWithTags: ['type:port', 'type:contracts', 'type:domain', 'type:config'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: IO },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: IO },
            { sourceTag: 'type:config', onlyDependOnLibsWithTags: [], bannedExternalImports: IO },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The shape of a feature (docs/architecture.md): SQL only in repositories, transition files and the db and outbox primitives.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.repository.ts', '**/*.transitions.ts', '**/*.spec.ts', '**/*.int-spec.ts', 'libs/db/src/**', 'libs/queue/src/outbox.ts', 'apps/*/src/test/**'],
    rules: { 'no-restricted-syntax': ['error', ...SQL_SELECTORS, NO_EXPORT_ALL] },
  },
  {
    // A feature's services reach the database through its repositories (and their `transaction`), never the client.
    files: ['libs/**/*.ts'],
    ignores: ['**/*.repository.ts', '**/*.transitions.ts', '**/*.spec.ts', '**/*.int-spec.ts', 'libs/db/src/**', 'libs/queue/src/outbox.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: '@edgefleet/db', importNames: ['PrismaService'], message: SQL }] }] },
  },
  {
    // The generated client's operations and types are re-exported whole.
    files: ['**/*.repository.ts', '**/*.transitions.ts', 'libs/db/src/**/*.ts', 'libs/queue/src/outbox.ts'],
    ignores: ['libs/db/src/generated/**'],
    rules: { 'no-restricted-syntax': ['error', NO_EXPORT_ALL] },
  },
  {
    // Edges reach use cases, never a repository; test fixtures are for tests only.
    files: ['apps/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', 'apps/*/src/test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@edgefleet/e2e-support', message: 'Test fixtures are for tests only.' }],
          patterns: [{ group: ['@edgefleet/*', '!@edgefleet/client'], importNamePattern: '^.+Repository$', message: 'An edge calls use cases (services), not repositories.' }],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
