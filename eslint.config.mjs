import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

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
    // Test fixtures are for tests only.
    files: ['apps/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', 'apps/*/src/test/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: '@edgefleet/e2e-support', message: 'Test fixtures are for tests only.' }] }] },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
