import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaService } from '@edgefleet/db';
import { dataOf, errorOf, gql, newKey, newOrganization, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

const CREATE = 'mutation ($input: CreateRoleAliasInput!) { createRoleAlias(input: $input) { roleAlias roleAliasArn owner policyDocument credentialDurationSeconds } }';
const POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::edgefleet-clips/clips/${credentials-iot:ThingName}/*"}]}';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Role aliases through GraphQL and the aws CLI's `iot` commands: checked inputs, roles, and one organization's apart from another's. */
describe('role aliases', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let prisma: PrismaService;
  const create = (input: object, key = org.adminKey) => gql(api.url, key, CREATE, { input });

  beforeAll(async () => {
    api = await startApi();
    prisma = api.app.get(PrismaService);
    org = await newOrganization(api);
  });
  afterAll(() => api.app.close());

  it('are made, read, listed, updated and deleted, each change audited', async () => {
    const made = dataOf(await create({ roleAlias: 'clips-uploader', policyDocument: POLICY, credentialDurationSeconds: 900 })).createRoleAlias;
    expect(made).toMatchObject({ roleAlias: 'clips-uploader', roleAliasArn: expect.stringMatching(/^arn:aws:iot:[a-z0-9-]+:\d{12}:rolealias\/clips-uploader$/), credentialDurationSeconds: 900 });
    expect(JSON.parse(made.policyDocument).Statement[0]).toEqual({ Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::edgefleet-clips/clips/${credentials-iot:ThingName}/*'] });
    // Without a policy an alias allows nothing; the default duration is AWS's hour.
    const bare = dataOf(await create({ roleAlias: 'bare' })).createRoleAlias;
    expect(bare).toMatchObject({ credentialDurationSeconds: 3600, policyDocument: expect.stringContaining('"Deny"') });
    const viewer = await newKey(api, org, 'VIEWER');
    expect(dataOf(await gql(api.url, viewer, '{ roleAliases(first: 1) { edges { node { roleAlias } } pageInfo { hasNextPage endCursor } } }')).roleAliases).toMatchObject({ edges: [{ node: { roleAlias: 'bare' } }], pageInfo: { hasNextPage: true } });
    const updated = dataOf(await gql(api.url, org.adminKey, 'mutation { updateRoleAlias(roleAlias: "bare", input: {credentialDurationSeconds: 43200}) { credentialDurationSeconds policyDocument } }')).updateRoleAlias;
    expect(updated).toEqual({ credentialDurationSeconds: 43200, policyDocument: bare.policyDocument });
    dataOf(await gql(api.url, org.adminKey, 'mutation { deleteRoleAlias(roleAlias: "bare") { roleAlias } }'));
    expect(errorOf(await gql(api.url, viewer, '{ roleAlias(roleAlias: "bare") { roleAlias } }'))).toMatchObject({ extensions: { code: 'NOT_FOUND', reason: 'ROLE_ALIAS_NOT_FOUND' } });
    const audit = await prisma.auditEvent.findMany({ where: { organizationId: org.organizationId, action: { startsWith: 'roleAlias.' } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => `${a.action} ${a.targetId}`)).toEqual(['roleAlias.create clips-uploader', 'roleAlias.create bare', 'roleAlias.update bare', 'roleAlias.delete bare']);
  });

  it('refuses what AWS IoT refuses, and policies it could not enforce, changing nothing', async () => {
    const before = await prisma.roleAlias.count({ where: { organizationId: org.organizationId } });
    const refusal = async (input: object, key?: string) => errorOf(await create(input, key))?.extensions;
    expect(await refusal({ roleAlias: 'no spaces' })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'roleAlias' });
    expect(await refusal({ roleAlias: 'short', credentialDurationSeconds: 899 })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'credentialDurationSeconds' });
    expect(await refusal({ roleAlias: 'long', credentialDurationSeconds: 43_201 })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'credentialDurationSeconds' });
    expect(await refusal({ roleAlias: 'broken', policyDocument: '{"Statement": ' })).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'INVALID_JSON' });
    expect(await refusal({ roleAlias: 'mqtt', policyDocument: '{"Statement": {"Effect": "Allow", "Action": "iot:Publish", "Resource": "*"}}' })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'policyDocument' });
    expect(await refusal({ roleAlias: 'role', roleArn: 'arn:aws:iam::1:user/x' })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'roleArn' });
    expect(await refusal({ roleAlias: 'clips-uploader' })).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_EXISTS' });
    // Granting devices access is an ADMIN's.
    expect(await refusal({ roleAlias: 'by-operator' }, await newKey(api, org, 'OPERATOR'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await gql(api.url, org.adminKey, 'mutation { updateRoleAlias(roleAlias: "nope", input: {credentialDurationSeconds: 900}) { roleAlias } }'))?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(await prisma.roleAlias.count({ where: { organizationId: org.organizationId } })).toBe(before);
  });

  it("serves the aws CLI's iot role alias commands and describe-endpoint", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'edgefleet-iot-'));
    const key = dataOf(await gql(api.url, org.adminKey, 'mutation { createAccessKey(input: {name: "iot", role: ADMIN}) { accessKeyId secretAccessKey } }')).createAccessKey;
    const env = { PATH: process.env.PATH, HOME: dir, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ENDPOINT_URL_IOT: `${api.url}/iot` };
    const aws = (...args: string[]) =>
      new Promise<Run>((resolve) => execFile('aws', ['iot', ...args, '--output', 'json'], { env }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })));
    const json = async (...args: string[]) => {
      const r = await aws(...args);
      if (r.code !== 0) throw new Error(r.stderr);
      return JSON.parse(r.stdout || '{}');
    };
    const role = 'arn:aws:iam::123456789012:role/camera-uploads';
    expect(await json('create-role-alias', '--role-alias', 'from-cli', '--role-arn', role, '--credential-duration-seconds', '1800')).toEqual({ roleAlias: 'from-cli', roleAliasArn: expect.stringMatching(/:rolealias\/from-cli$/) });
    const described = (await json('describe-role-alias', '--role-alias', 'from-cli')).roleAliasDescription;
    expect(described).toMatchObject({ roleAlias: 'from-cli', roleArn: role, credentialDurationSeconds: 1800, owner: expect.stringMatching(/^\d{12}$/) });
    // Epoch seconds on the wire: the CLI shows them as they came (v1) or as ISO 8601 (v2).
    const created = typeof described.creationDate === 'number' ? described.creationDate * 1000 : Date.parse(described.creationDate);
    expect(Math.abs(created - Date.now())).toBeLessThan(60_000);
    expect((await json('list-role-aliases')).roleAliases).toEqual(expect.arrayContaining(['clips-uploader', 'from-cli']));
    // In pages, by nextMarker: every alias once.
    const page = await json('list-role-aliases', '--page-size', '1');
    expect(page).toEqual({ roleAliases: ['clips-uploader'], nextMarker: expect.any(String) });
    expect((await json('list-role-aliases', '--marker', page.nextMarker)).roleAliases).toEqual(['from-cli']);
    await json('update-role-alias', '--role-alias', 'from-cli', '--credential-duration-seconds', '900');
    expect((await json('describe-role-alias', '--role-alias', 'from-cli')).roleAliasDescription.credentialDurationSeconds).toBe(900);
    // Made by the aws CLI, it allows nothing until its policy is set.
    expect(JSON.parse(dataOf(await gql(api.url, org.adminKey, '{ roleAlias(roleAlias: "from-cli") { policyDocument } }')).roleAlias.policyDocument).Statement[0].Effect).toBe('Deny');
    await json('delete-role-alias', '--role-alias', 'from-cli');
    expect((await aws('describe-role-alias', '--role-alias', 'from-cli')).stderr).toMatch(/ResourceNotFoundException/);
    expect((await aws('create-role-alias', '--role-alias', 'clips-uploader', '--role-arn', role)).stderr).toMatch(/ResourceAlreadyExistsException/);
    expect((await json('describe-endpoint', '--endpoint-type', 'iot:CredentialProvider')).endpointAddress).toBe(`${api.config.GATEWAY_SANS[0]}:${api.config.CREDENTIALS_PROVIDER_PORT}`);
    // Another organization's key sees none of them.
    const stranger = await newOrganization(api);
    const theirs = dataOf(await gql(api.url, stranger.adminKey, 'mutation { createAccessKey(input: {name: "iot", role: ADMIN}) { accessKeyId secretAccessKey } }')).createAccessKey;
    const listed = await new Promise<Run>((resolve) =>
      execFile('aws', ['iot', 'list-role-aliases', '--output', 'json'], { env: { ...env, AWS_ACCESS_KEY_ID: theirs.accessKeyId, AWS_SECRET_ACCESS_KEY: theirs.secretAccessKey } }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr })),
    );
    expect(JSON.parse(listed.stdout).roleAliases).toEqual([]);
  });
});
