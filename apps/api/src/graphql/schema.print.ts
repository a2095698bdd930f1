import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import path from 'node:path';

/** Where the generated schema is committed, to be reviewed like code. */
export const SCHEMA_FILE = path.resolve(__dirname, '../../schema.graphql');

export function printApiSchema(app: INestApplication): string {
  return `# Generated from the code-first resolvers by \`npm run schema:write\`. Do not edit by hand.\n\n${printSchema(app.get(GraphQLSchemaHost).schema)}\n`;
}
