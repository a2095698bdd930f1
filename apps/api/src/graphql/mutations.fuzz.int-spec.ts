import fc from 'fast-check';
import {
  type GraphQLInputType,
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
} from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PrismaService } from '@edgefleet/db';
import { gql, newOrganization, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

/** Cases per mutation: about 2,000 in all under `npm test`; `npm run fuzz` sets FUZZ_RUNS higher. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
const schema = buildSchema(readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8'));

/** Strings an attacker or an unlucky operator would try, besides random ones. */
const nasty = fc.constantFrom('', ' ', 'x'.repeat(5000), '99999999999999999999', 'not-a-uuid', '00000000-0000-0000-0000-000000000000', 'device-aaaaaaaaaaaaaaaaaaaaaaaaaa', "'; DROP TABLE \"Device\"; --", '\u0000', '../../etc/passwd', 'eyJ2Ijoibm90YWRhdGUiLCJpZCI6IngifQ', '1.2.3', '-1', 'NaN');
const text = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 40 }), nasty);

/** A value of a GraphQL input type, valid for GraphQL's own type checks, arbitrary in every other way. */
function valueOf(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return present(type.ofType, depth);
  return fc.option(present(type, depth), { nil: null, freq: 4 });
}

function present(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
  if (isListType(type)) return fc.array(valueOf(type.ofType, depth + 1), { maxLength: depth > 2 ? 1 : 6 });
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => v.name));
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    const shape = Object.fromEntries(fields.map((f) => [f.name, valueOf(f.type, depth + 1)]));
    return fc.record(shape, { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) });
  }
  switch (getNamedType(type).name) {
    case 'Int':
      return fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31)));
    case 'Float':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
      return fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), text);
    case 'JSON':
    case 'JSONObject':
      return fc.jsonValue({ maxDepth: 4 });
    default:
      return text; // String, ID and other string scalars
  }
}

/**
 * Every mutation of the schema, with generated arguments: the api never answers INTERNAL or a
 * 5xx, and a refused mutation changes nothing (it writes no audit event).
 */
jest.setTimeout(1_800_000);

describe('GraphQL mutations under generated input', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let prisma: PrismaService;
  let cases = 0;

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_REQUESTS_PER_SECOND: '100000', RATE_LIMIT_MUTATIONS_PER_SECOND: '100000' });
    prisma = api.app.get(PrismaService);
    org = await newOrganization(api);
  });
  afterAll(async () => {
    process.stdout.write(`GraphQL mutation fuzzing: ${cases} cases\n`);
    await api.app.close();
  });

  const mutations = Object.values(schema.getMutationType()!.getFields());

  it.each(mutations.map((m) => [m.name, m] as const))('%s', async (_name, field) => {
    const signature = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
    const call = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
    const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
    const document = `mutation${signature ? `(${signature})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`;
    const args = fc.record(Object.fromEntries(field.args.map((a) => [a.name, valueOf(a.type)])));
    await fc.assert(
      fc.asyncProperty(args, async (variables) => {
        cases++;
        const audited = await prisma.auditEvent.count({ where: { organizationId: org.organizationId } });
        const r = await gql(api.url, org.adminKey, document, variables as Record<string, unknown>);
        expect(r.status).toBeLessThan(500);
        for (const error of r.errors ?? []) expect([field.name, error.extensions?.code, error.message]).not.toEqual([field.name, 'INTERNAL', expect.anything()]);
        if (r.errors?.length) expect(await prisma.auditEvent.count({ where: { organizationId: org.organizationId } })).toBe(audited);
      }),
      { numRuns: RUNS },
    );
  });
});
