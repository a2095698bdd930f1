import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The typed GraphQL client: every operation the CLI, the console, the fleet simulator and the e2e
 * tests send is in libs/client/src/operations.graphql, checked against the api's schema.graphql and
 * typed from it. `npm run codegen` writes libs/client/src/generated/ (committed);
 * `npm run lint` fails when it is out of date.
 */
const config: CodegenConfig = {
  schema: 'apps/api/schema.graphql',
  documents: ['libs/client/src/operations.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'libs/client/src/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: {
        // Documents are strings with their types attached: no GraphQL runtime in the browser bundle.
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'any' },
      },
    },
  },
};

export default config;
