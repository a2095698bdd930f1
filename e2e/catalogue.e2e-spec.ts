import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { type Stack, dataOf, eventually, gql, startStack } from './support';

jest.setTimeout(120_000);

/**
 * A camera stream from registration to a valid manifest, with api, worker and gateway as
 * their own processes: the worker makes the camera's package through the outbox and BullMQ.
 * The camera's password then appears in no API response, no log line of any process, no
 * audit event, and nowhere in the database in clear text.
 */
describe('camera streams, end to end', () => {
  let stack: Stack;
  // Debug logs: every request and job is logged, so the scan below has something to scan.
  beforeAll(async () => (stack = await startStack('catalogue', { LOG_LEVEL: 'debug' })));
  afterAll(() => stack?.stop());

  it('become MEDIA_SOURCE nodes a manifest can use, and their credentials leave the secret store for nobody', async () => {
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const replaced = `pw-${randomBytes(12).toString('hex')}`;
    const username = `user-${randomBytes(6).toString('hex')}`;
    const responses: string[] = [];
    const q = async (query: string, variables: Record<string, unknown> = {}) => {
      const r = await gql(stack.url, stack.key, query, variables);
      responses.push(JSON.stringify(r));
      return r;
    };

    const create = (nodeName: string, streamUrl: string) =>
      q(
        `mutation($n: String!, $u: String!, $p: String!, $url: String!) { createNodeFromTemplateJob(input: {templateType: RTSP_CAMERA_STREAM, outputPackageName: $n, outputPackageVersion: "1.0", nodeName: $n, templateParameters: {username: $u, password: $p, streamUrl: $url}}) { jobId status credentials { stored } } }`,
        { n: nodeName, u: username, p: password, url: streamUrl },
      );
    // Refused inputs carry the password too: their errors and logs must not echo it.
    await create('bad name!', 'rtsp://192.168.0.77/live');
    await create('front-door', `rtsp://${username}:${password}@192.168.0.77/live`);
    await q('mutation($p: Int!) { createNodeFromTemplateJob(input: {password: $p}) { jobId } }', { p: password }); // not even valid GraphQL input

    const job = dataOf(await create('exterior-south', 'rtsp://192.168.0.77/live/mpeg4/')).createNodeFromTemplateJob;
    expect(job).toMatchObject({ status: 'PENDING', credentials: { stored: true } });
    const done = await eventually(
      async () => dataOf(await q('query($j: String!) { nodeFromTemplateJob(jobId: $j) { status statusMessage packageId } }', { j: job.jobId })).nodeFromTemplateJob,
      (j) => j.status !== 'PENDING',
      30_000,
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED', statusMessage: 'Created camera node exterior-south' });

    dataOf(await q('mutation($j: String!, $u: String!, $p: String!) { updateCameraCredentials(jobId: $j, credentials: {username: $u, password: $p}) { credentials { stored updatedAt } } }', { j: job.jobId, u: username, p: replaced }));

    const nodes = dataOf(await q('{ nodes(filter: {category: MEDIA_SOURCE}) { edges { node { name interface packageId } } } }')).nodes.edges;
    expect(nodes).toEqual([{ node: expect.objectContaining({ name: 'exterior-south', packageId: done.packageId }) }]);
    const account = nodes[0].node.interface.split('::')[0];

    // The guide's manifest, its HDMI output only: the camera replaces the placeholder.
    const graph = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/panorama/graph.json'), 'utf8'));
    graph.nodeGraph.packages = graph.nodeGraph.packages.filter((p: { name: string }) => p.name.startsWith('panorama::'));
    graph.nodeGraph.nodes = graph.nodeGraph.nodes.filter((n: { name: string }) => ['camera_node', 'output_node'].includes(n.name));
    graph.nodeGraph.edges = [{ producer: 'camera_node.video_out', consumer: 'output_node.video_in' }];
    const overrides = readFileSync(path.join(__dirname, 'fixtures/panorama/overrides.json'), 'utf8').replaceAll('123456789012', account);
    const o = JSON.parse(overrides);
    o.nodeGraphOverrides.nodeOverrides = o.nodeGraphOverrides.nodeOverrides.filter((x: { replace: string }) => x.replace === 'camera_node');
    o.nodeGraphOverrides.nodes = o.nodeGraphOverrides.nodes.filter((x: { name: string }) => x.name === 'my_camera');
    const v = dataOf(
      await q('query($m: ManifestPayloadInput!, $o: ManifestPayloadInput) { validateApplicationManifest(manifestPayload: $m, manifestOverridesPayload: $o) { valid problems { path message } graph } }', {
        m: { payloadData: JSON.stringify(graph) },
        o: { payloadData: JSON.stringify(o) },
      }),
    ).validateApplicationManifest;
    expect(v).toMatchObject({ valid: true, problems: [] });
    expect(v.graph.edges).toEqual([{ producer: 'my_camera.video_out', consumer: 'output_node.video_in' }]);

    await q('{ nodeFromTemplateJobs(first: 10) { edges { node { jobId streamUrl credentials { stored updatedAt } } } } }');
    await q('query($p: String!) { package(packageId: $p) { packageName versions { manifest } } }', { p: done.packageId });
    const audit = dataOf(await q('{ auditEvents(first: 100) { action details } }')).auditEvents;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['cameraStream.create', 'cameraStream.updateCredentials', 'package.create']));

    const secrets = [password, replaced, username];
    const leaks = (where: string, text: string) => secrets.filter((s) => text.includes(s)).map((s) => `${where} holds ${s === username ? 'the username' : 'a password'}`);
    const db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    const auditRows = (await db.query('SELECT action, details FROM "AuditEvent"')).rows;
    await db.end();
    const dump = execFileSync('pg_dump', ['--data-only', stack.env.DATABASE_URL], { maxBuffer: 256 * 1024 * 1024 }).toString();
    expect(dump).toContain('exterior-south'); // the dump is of the right database
    expect([
      ...responses.flatMap((r, i) => leaks(`API response ${i}`, r)),
      ...stack.running.flatMap((p, i) => leaks(`the log of process ${i}`, p.output())),
      ...leaks('the audit events', JSON.stringify(auditRows)),
      ...leaks('the database', dump),
    ]).toEqual([]);
    // And the logs did record the requests that carried them, and the worker's job.
    const logs = stack.running.map((p) => p.output()).join('');
    expect(logs.match(/request completed/g)!.length).toBeGreaterThanOrEqual(responses.length);
    expect(logs).toContain(`"jobId":"${job.jobId}","status":"SUCCEEDED"`);
  });
});
