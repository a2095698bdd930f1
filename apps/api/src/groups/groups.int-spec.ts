import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaService } from '@edgefleet/db';
import { dataOf, errorOf, gql, newKey, newOrganization, seedDevice, type TestOrganization } from '@edgefleet/e2e-support';
import { GroupMembership } from '@edgefleet/groups';
import { type RunningApi, startApi } from '../test/start-api';

const GROUP = 'thingGroupName dynamic queryString version memberCount thingGroupArn';
const create = (input: object) => `mutation { createThingGroup(input: ${JSON.stringify(input).replace(/"(\w+)":/g, '$1:')}) { ${GROUP} } }`;

/**
 * Thing groups through GraphQL and the aws CLI's `iot` commands: static members by hand, dynamic
 * members by query, followed through the Device trigger's outbox rows (evaluated here by the
 * worker's use case itself), refusals that change nothing, and organizations apart.
 */
describe('thing groups', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let prisma: PrismaService;
  let membership: GroupMembership;
  const q = (query: string, key = org.adminKey) => gql(api.url, key, query);
  const members = async (name: string) => dataOf(await q(`{ thingGroupMembers(thingGroupName: "${name}", first: 100) { edges { node { deviceId } } } }`)).thingGroupMembers.edges.map((e: { node: { deviceId: string } }) => e.node.deviceId).sort();
  /** What the worker does with the outbox rows the Device trigger wrote for these devices. */
  const evaluatePending = async (deviceIds: string[]) => {
    const rows = (await prisma.outboxMessage.findMany({ where: { queue: 'groups', jobName: 'evaluate-device', completedAt: null } })).filter((r) => deviceIds.includes((r.payload as { deviceId: string }).deviceId));
    const asked = new Set(rows.map((r) => (r.payload as { deviceId: string }).deviceId));
    for (const deviceId of asked) await membership.evaluateDevice(deviceId);
    await prisma.outboxMessage.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { completedAt: new Date() } });
    return asked;
  };

  beforeAll(async () => {
    api = await startApi();
    prisma = api.app.get(PrismaService);
    membership = api.app.get(GroupMembership);
    org = await newOrganization(api);
  });
  afterAll(() => api.app.close());

  it('keeps static members by hand, and dynamic members by their query as the devices change', async () => {
    const berlin = await seedDevice(api, org, { name: 'berlin-1', tags: [{ key: 'site', value: 'berlin' }] });
    const paris = await seedDevice(api, org, { name: 'paris-1', tags: [{ key: 'site', value: 'paris' }] });
    expect(dataOf(await q(create({ thingGroupName: 'lobby', description: 'lobby cameras' }))).createThingGroup).toMatchObject({ thingGroupName: 'lobby', dynamic: false, queryString: null, version: 1, memberCount: 0, thingGroupArn: expect.stringMatching(/^arn:aws:iot:[a-z0-9-]+:\d{12}:thinggroup\/lobby$/) });
    dataOf(await q(`mutation { addThingToThingGroup(thingGroupName: "lobby", deviceId: "${paris.deviceId}") { memberCount } }`));
    dataOf(await q(`mutation { addThingToThingGroup(thingGroupName: "lobby", deviceId: "${paris.deviceId}") { memberCount } }`)); // again: no change
    expect(await members('lobby')).toEqual([paris.deviceId]);

    // A rollout can target the group (its provisioned members as each wave starts).
    await prisma.device.update({ where: { deviceId: paris.deviceId }, data: { provisioningStatus: 'SUCCEEDED' } });
    const dryRun = (group: string) => q(`mutation { createRollout(input: {name: "to-${group}", jobType: REBOOT, target: {thingGroupName: "${group}"}, waves: {initialSize: 1}, dryRun: true}) { dryRun { targeted devices { deviceId } } } }`);
    expect(dataOf(await dryRun('lobby')).createRollout.dryRun).toEqual({ targeted: 1, devices: [{ deviceId: paris.deviceId }] });
    expect(errorOf(await dryRun('nope'))?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'THING_GROUP_NOT_FOUND' });

    // A dynamic group: evaluated over the organization when made…
    const made = dataOf(await q(create({ thingGroupName: 'berlin', queryString: 'attributes.site:berlin' }))).createThingGroup;
    expect(made).toMatchObject({ dynamic: true, queryString: 'attributes.site:berlin' });
    const group = await prisma.thingGroup.findFirstOrThrow({ where: { organizationId: org.organizationId, name: 'berlin' } });
    expect(await prisma.outboxMessage.count({ where: { queue: 'groups', jobName: 'evaluate-group', payload: { equals: { groupId: group.id } } } })).toBe(1);
    expect(await membership.evaluateGroup(group.id)).toBe(1);
    expect(await members('berlin')).toEqual([berlin.deviceId]);
    // …and then per device, as its tags change (the trigger asks, whatever wrote them).
    const accountId = (await prisma.organization.findUniqueOrThrow({ where: { id: org.organizationId } })).accountId;
    const arn = (d: { deviceId: string }) => `arn:aws:panorama:${api.config.REGION}:${accountId}:device/${d.deviceId}`;
    dataOf(await q(`mutation { tagResource(resourceArn: "${arn(paris)}", tags: [{key: "site", value: "berlin"}]) { key } }`));
    expect(await evaluatePending([paris.deviceId, berlin.deviceId])).toEqual(new Set([paris.deviceId]));
    expect(await members('berlin')).toEqual([berlin.deviceId, paris.deviceId].sort());
    dataOf(await q(`mutation { untagResource(resourceArn: "${arn(berlin)}", tagKeys: ["site"]) { key } }`));
    await evaluatePending([berlin.deviceId]);
    expect(await members('berlin')).toEqual([paris.deviceId]);
    // A device made with the tag joins; each change asked its device's deployments to follow.
    const third = await seedDevice(api, org, { name: 'berlin-2', tags: [{ key: 'site', value: 'berlin' }] });
    await evaluatePending([third.deviceId]);
    expect(await members('berlin')).toEqual([paris.deviceId, third.deviceId].sort());
    // (Other test files share this database: only this organization's devices count.)
    const ours = new Set((await prisma.device.findMany({ where: { organizationId: org.organizationId }, select: { deviceId: true } })).map((d) => d.deviceId));
    const reconciles = await prisma.outboxMessage.findMany({ where: { queue: 'applications', jobName: 'reconcile-deployments' } });
    expect(new Set(reconciles.map((r) => (r.payload as { deviceId: string }).deviceId).filter((d) => ours.has(d)))).toEqual(new Set([paris.deviceId, berlin.deviceId, third.deviceId]));
    // A presence change is not re-evaluated unless a group reads the connection.
    await prisma.device.update({ where: { deviceId: third.deviceId }, data: { deviceConnectionStatus: 'ONLINE' } });
    expect(await evaluatePending([third.deviceId])).toEqual(new Set());
    dataOf(await q(create({ thingGroupName: 'online', queryString: 'connectivity.connected:true' })));
    await prisma.device.update({ where: { deviceId: third.deviceId }, data: { deviceConnectionStatus: 'OFFLINE' } });
    expect(await evaluatePending([third.deviceId])).toEqual(new Set([third.deviceId]));

    // The groups of a device, and a new query evaluated again.
    expect(dataOf(await q(`{ thingGroupsOfDevice(deviceId: "${paris.deviceId}") { thingGroupName } }`)).thingGroupsOfDevice).toEqual([{ thingGroupName: 'berlin' }, { thingGroupName: 'lobby' }]);
    expect(dataOf(await q('mutation { updateThingGroup(thingGroupName: "berlin", input: {queryString: "deviceName:berlin-*", expectedVersion: 1}) { version } }')).updateThingGroup.version).toBe(2);
    await membership.evaluateGroup(group.id);
    expect(await members('berlin')).toEqual([berlin.deviceId, third.deviceId].sort());
    const audit = await prisma.auditEvent.findMany({ where: { organizationId: org.organizationId, action: { startsWith: 'thingGroup.' } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => `${a.action} ${a.targetId}`)).toEqual(['thingGroup.create lobby', 'thingGroup.addThing lobby', 'thingGroup.create berlin', 'thingGroup.create online', 'thingGroup.update berlin']);
  });

  it('refuses what AWS IoT refuses, saying why, and changes nothing', async () => {
    const device = await seedDevice(api, org);
    const groups = await prisma.thingGroup.count({ where: { organizationId: org.organizationId } });
    const refusal = async (query: string, key?: string) => errorOf(await q(query, key))?.extensions;
    expect(await refusal(create({ thingGroupName: 'no spaces' }))).toMatchObject({ code: 'VALIDATION_FAILED', field: 'thingGroupName' });
    expect(await refusal(create({ thingGroupName: 'bad-query', queryString: 'colour:red' }))).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'INVALID_FLEET_QUERY' });
    expect(await refusal(create({ thingGroupName: 'lobby' }))).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_EXISTS' });
    expect(await refusal(`mutation { addThingToThingGroup(thingGroupName: "berlin", deviceId: "${device.deviceId}") { version } }`)).toMatchObject({ code: 'CONFLICT', reason: 'DYNAMIC_GROUP_MEMBERSHIP' });
    expect(await refusal('mutation { addThingToThingGroup(thingGroupName: "lobby", deviceId: "device-aaaaaaaaaaaaaaaaaaaaaaaaaa") { version } }')).toMatchObject({ code: 'NOT_FOUND', reason: 'DEVICE_NOT_FOUND' });
    expect(await refusal('mutation { addThingToThingGroup(thingGroupName: "nope", deviceId: "x") { version } }')).toMatchObject({ code: 'NOT_FOUND', reason: 'THING_GROUP_NOT_FOUND' });
    expect(await refusal('mutation { updateThingGroup(thingGroupName: "lobby", input: {queryString: "thingName:x"}) { version } }')).toMatchObject({ code: 'VALIDATION_FAILED', field: 'queryString' });
    expect(await refusal('mutation { updateThingGroup(thingGroupName: "berlin", input: {description: "x", expectedVersion: 1}) { version } }')).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    expect(await refusal(create({ thingGroupName: 'by-viewer' }), await newKey(api, org, 'VIEWER'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await prisma.thingGroup.count({ where: { organizationId: org.organizationId } })).toBe(groups);
    // Another organization sees none of it, and cannot add its devices.
    const stranger = await newOrganization(api);
    expect(dataOf(await q('{ thingGroups(first: 10) { edges { node { thingGroupName } } } }', stranger.adminKey)).thingGroups.edges).toEqual([]);
    expect(await refusal('{ thingGroup(thingGroupName: "lobby") { version } }', stranger.adminKey)).toMatchObject({ code: 'NOT_FOUND' });
    dataOf(await q(create({ thingGroupName: 'theirs' }), stranger.adminKey));
    expect(await refusal(`mutation { addThingToThingGroup(thingGroupName: "theirs", deviceId: "${device.deviceId}") { version } }`, stranger.adminKey)).toMatchObject({ code: 'NOT_FOUND', reason: 'DEVICE_NOT_FOUND' });
  });

  it("serves the aws CLI's iot thing group commands", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'edgefleet-iot-'));
    const key = dataOf(await q('mutation { createAccessKey(input: {name: "groups", role: OPERATOR}) { accessKeyId secretAccessKey } }')).createAccessKey;
    const env = { PATH: process.env.PATH, HOME: dir, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ENDPOINT_URL_IOT: `${api.url}/iot` };
    const aws = (...args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => execFile('aws', ['iot', ...args, '--output', 'json'], { env }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr })));
    const json = async (...args: string[]) => {
      const r = await aws(...args);
      if (r.code !== 0) throw new Error(r.stderr);
      return JSON.parse(r.stdout || '{}');
    };
    const device = await seedDevice(api, org, { name: 'cli-cam', tags: [{ key: 'site', value: 'oslo' }] });
    expect(await json('create-thing-group', '--thing-group-name', 'cli-static', '--thing-group-properties', 'thingGroupDescription=made by the CLI')).toEqual({ thingGroupName: 'cli-static', thingGroupArn: expect.stringMatching(/:thinggroup\/cli-static$/), thingGroupId: expect.any(String) });
    expect(await json('create-dynamic-thing-group', '--thing-group-name', 'cli-oslo', '--query-string', 'attributes.site:oslo')).toMatchObject({ thingGroupName: 'cli-oslo', queryString: 'attributes.site:oslo', indexName: 'AWS_Things' });
    expect(await json('describe-thing-group', '--thing-group-name', 'cli-static')).toMatchObject({ thingGroupName: 'cli-static', version: 1, thingGroupProperties: { thingGroupDescription: 'made by the CLI' }, thingGroupMetadata: { creationDate: expect.anything() } });
    await json('add-thing-to-thing-group', '--thing-group-name', 'cli-static', '--thing-name', device.deviceId);
    expect(await json('list-things-in-thing-group', '--thing-group-name', 'cli-static')).toEqual({ things: [device.deviceId] });
    await membership.evaluateGroup((await prisma.thingGroup.findFirstOrThrow({ where: { organizationId: org.organizationId, name: 'cli-oslo' } })).id);
    expect((await json('list-thing-groups-for-thing', '--thing-name', device.deviceId)).thingGroups.map((g: { groupName: string }) => g.groupName)).toEqual(['cli-oslo', 'cli-static']);
    expect((await json('list-thing-groups', '--name-prefix-filter', 'cli-')).thingGroups.map((g: { groupName: string }) => g.groupName)).toEqual(['cli-oslo', 'cli-static']);
    expect(await json('update-thing-group', '--thing-group-name', 'cli-static', '--thing-group-properties', 'thingGroupDescription=changed')).toEqual({ version: 2 });
    expect(await json('update-dynamic-thing-group', '--thing-group-name', 'cli-oslo', '--thing-group-properties', 'thingGroupDescription=x', '--query-string', 'attributes.site:bergen')).toEqual({ version: 2 });
    await json('remove-thing-from-thing-group', '--thing-group-name', 'cli-static', '--thing-name', device.deviceId);
    expect(await json('list-things-in-thing-group', '--thing-group-name', 'cli-static')).toEqual({ things: [] });
    // AWS IoT's exceptions.
    expect((await aws('create-dynamic-thing-group', '--thing-group-name', 'cli-bad', '--query-string', 'nope')).stderr).toMatch(/InvalidQueryException/);
    expect((await aws('create-thing-group', '--thing-group-name', 'cli-static')).stderr).toMatch(/ResourceAlreadyExistsException/);
    expect((await aws('add-thing-to-thing-group', '--thing-group-name', 'cli-oslo', '--thing-name', device.deviceId)).stderr).toMatch(/InvalidRequestException/);
    expect((await aws('delete-thing-group', '--thing-group-name', 'cli-static', '--expected-version', '1')).stderr).toMatch(/VersionConflictException/);
    await json('delete-thing-group', '--thing-group-name', 'cli-static');
    await json('delete-dynamic-thing-group', '--thing-group-name', 'cli-oslo');
    expect((await aws('describe-thing-group', '--thing-group-name', 'cli-static')).stderr).toMatch(/ResourceNotFoundException/);
  });
});
