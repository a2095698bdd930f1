import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { PrismaService } from '@edgefleet/db';
import { ROOT, gql, uniqueName } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

const INSTALLATION_KEY = `inst_${randomBytes(24).toString('base64url')}`;
const refusal = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions && { code: r.errors[0].extensions.code, reason: r.errors[0].extensions.reason };

describe('installation administration: organizations', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ EDGEFLEET_INSTALLATION_ADMIN_KEY: INSTALLATION_KEY });
  });
  afterAll(() => api.app.close());
  const admin = (query: string, variables?: Record<string, unknown>) => gql(api.url, INSTALLATION_KEY, query, variables);

  it('creates, lists, suspends and resumes organizations; a suspended organization’s keys are refused', async () => {
    const name = uniqueName('tenant');
    const created = await admin('mutation($n: String!) { createOrganization(name: $n) { organization { id name suspendedTime } adminApiKey } }', { n: name });
    expect(created.errors).toBeUndefined();
    const { organization, adminApiKey } = created.data!.createOrganization;
    expect(organization).toMatchObject({ name, suspendedTime: null });
    const own = (key: string) => gql(api.url, key, '{ devices(first: 1) { totalCount } }');
    expect((await own(adminApiKey)).data).toEqual({ devices: { totalCount: 0 } });
    expect((await admin('{ organizations { id name } }')).data!.organizations).toContainEqual({ id: organization.id, name });

    expect((await admin('mutation($id: ID!) { suspendOrganization(id: $id) { suspendedTime } }', { id: organization.id })).data!.suspendOrganization.suspendedTime).not.toBeNull();
    await new Promise((r) => setTimeout(r, 2100)); // key lookups are cached for 2 s
    expect(refusal(await own(adminApiKey))).toEqual({ code: 'FORBIDDEN', reason: 'ORGANIZATION_SUSPENDED' });
    await admin('mutation($id: ID!) { resumeOrganization(id: $id) { id } }', { id: organization.id });
    await new Promise((r) => setTimeout(r, 2100));
    expect((await own(adminApiKey)).data).toEqual({ devices: { totalCount: 0 } });

    const audit = await api.app.get(PrismaService).auditEvent.findMany({ where: { organizationId: organization.id }, orderBy: { id: 'asc' }, select: { action: true, actor: true } });
    expect(audit).toEqual(['organization.create', 'organization.suspend', 'organization.resume'].map((action) => ({ action, actor: 'installation-admin' })));
  });

  it('keeps the two worlds apart, with precise refusals', async () => {
    const created = await admin('mutation($n: String!) { createOrganization(name: $n) { adminApiKey } }', { n: uniqueName('tenant') });
    const orgKey = created.data!.createOrganization.adminApiKey;
    // An organization's ADMIN key cannot administer the installation…
    expect(refusal(await gql(api.url, orgKey, '{ organizations { id } }'))).toEqual({ code: 'FORBIDDEN', reason: 'INSTALLATION_ADMIN_REQUIRED' });
    // …and the installation key reads no organization's data, not even mixed into an allowed request.
    expect(refusal(await admin('{ devices(first: 1) { totalCount } }'))).toEqual({ code: 'FORBIDDEN', reason: 'INSTALLATION_ADMIN_REQUIRED' });
    expect(refusal(await admin('{ organizations { id } apiKeys { id } }'))).toEqual({ code: 'FORBIDDEN', reason: 'INSTALLATION_ADMIN_REQUIRED' });
    expect(refusal(await admin('mutation { suspendOrganization(id: "not-a-uuid") { id } }'))).toEqual({ code: 'VALIDATION_FAILED', reason: 'INVALID_ARGUMENT' });
    expect(refusal(await admin('mutation { suspendOrganization(id: "00000000-0000-0000-0000-000000000000") { id } }'))).toEqual({ code: 'NOT_FOUND', reason: 'ORGANIZATION_NOT_FOUND' });
    expect(refusal(await admin('mutation { createOrganization(name: "no spaces allowed") { adminApiKey } }'))?.code).toBe('VALIDATION_FAILED');
  });

  it('`npm run org` creates an organization whose ADMIN key works, and explains a bad call in one line', async () => {
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ['-r', './infra/scripts/register.js', 'apps/api/src/organizations/org.command.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: api.config.DATABASE_URL },
      }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const name = uniqueName('cli');
    const out = await run(['create', name]);
    expect(out.code).toBe(0);
    const key = /ADMIN API key \(shown once\): (efk_\S+)/.exec(out.stdout)![1];
    expect((await gql(api.url, key, '{ devices(first: 1) { totalCount } }')).data).toEqual({ devices: { totalCount: 0 } });
    expect((await run(['list'])).stdout).toContain(name);
    const bad = await run(['suspend', 'not-a-uuid']);
    expect([bad.code, bad.stderr.trim()]).toEqual([1, 'VALIDATION_FAILED/INVALID_ARGUMENT: id: is not an organization id (a UUID).']);
    expect((await run([])).code).toBe(2);
  });
});
