import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { CreateApiKeyDocument } from '@edgefleet/client';
import { ROOT, type Stack, dataOf, freePort, gql, startApp, startStack, until, waitForOutput } from './support';

jest.setTimeout(300_000);

const FIXTURES = path.join(__dirname, 'fixtures/panorama');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The operators' tools against the running apps, every app its own process: the `edgefleet`
 * CLI as an operator runs it (a profile file, table and json output, exit codes, live progress
 * fed by subscriptions), Prometheus metrics on the api, worker and gateway, and BullMQ's dashboard.
 */
describe('operators: the edgefleet CLI, metrics and the queue dashboard, end to end', () => {
  let stack: Stack;
  let config: string;
  const installationKey = `efi_${randomBytes(24).toString('base64url')}`;
  const devices: Record<string, string> = {};
  let appId: string;

  /** `edgefleet …` as a separate process, with the test's profile file; never throws on a non-zero exit. */
  const edgefleet = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.join(ROOT, 'apps/cli/bin/edgefleet.js'), ...args],
        { cwd: stack.dir, env: { ...process.env, NODE_OPTIONS: '', EDGEFLEET_CONFIG_FILE: config, EDGEFLEET_ENDPOINT: '', EDGEFLEET_API_KEY: '', ...env }, timeout: 120_000 },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  /** A command that must succeed; its stdout parsed as JSON with `-o json`. */
  const json = async (args: string[], env: Record<string, string> = {}) => {
    const r = await edgefleet([...args, '-o', 'json'], env);
    if (r.code !== 0) throw new Error(`edgefleet ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const q = async (query: string, variables: Record<string, unknown> = {}) => dataOf(await gql(stack.url, stack.key, query, variables));
  const metricsUrl = (app: 'API' | 'worker' | 'gateway') => stack.running.map((p) => p.output().match(new RegExp(`EdgeFleet ${app} .*metrics on (http://\\S+)`))?.[1]).find(Boolean)!;

  /** An OTLP/HTTP collector: what the apps export (JSON, as @opentelemetry/exporter-trace-otlp-http sends it). */
  const spans: { service: string; traceId: string; spanId: string; parentSpanId?: string; name: string }[] = [];
  const exported: string[] = [];
  const collector = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      exported.push(body);
      for (const rs of JSON.parse(body).resourceSpans ?? []) {
        const service = rs.resource.attributes.find((a: any) => a.key === 'service.name')?.value.stringValue;
        for (const ss of rs.scopeSpans) for (const s of ss.spans) spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const otlp = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    stack = await startStack('operators', { JOB_SWEEP_MS: '250', EDGEFLEET_INSTALLATION_ADMIN_KEY: installationKey, OTEL_EXPORTER_OTLP_ENDPOINT: otlp, OTEL_BSP_SCHEDULE_DELAY: '200' });
    config = path.join(stack.dir, 'cli', 'config.json');
    const fleet = startApp('edge-agent', { EDGEFLEET_API_KEY: stack.key, API_PORT: stack.env.API_PORT, DATA_DIR: stack.env.DATA_DIR }, ['--devices', '2', '--prefix', 'ops', '--churn', '0', '--job-step-ms', '50', '--reboot-ms', '200'], 'fleet.main.ts');
    stack.running.push(fleet);
    await waitForOutput(fleet, /fleet ready: 2 devices/, 90_000);
  });
  afterAll(async () => {
    await stack.stop();
    collector.close();
  });

  it('configure stores a checked profile, readable by its owner only; a wrong key stores nothing', async () => {
    const wrong = await edgefleet(['configure', '--endpoint', stack.url, '--api-key', 'efk_wrong_wrong_wrong_wrong_wrong']);
    expect(wrong).toMatchObject({ code: 3, stdout: '' });
    expect(wrong.stderr).toMatch(/^error: UNAUTHENTICATED \(API_KEY_INVALID\): .*nothing was stored/);
    expect(existsSync(config)).toBe(false);

    const ok = await edgefleet(['configure', '--endpoint', `${stack.url}/`, '--api-key', stack.key]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Role:\s+ADMIN$/m);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ default: { endpoint: stack.url, apiKey: stack.key } });

    const unconfigured = await edgefleet(['devices', 'list'], { EDGEFLEET_CONFIG_FILE: path.join(stack.dir, 'none.json') });
    expect(unconfigured.code).toBe(3);
    expect(unconfigured.stderr).toMatch(/^error: No endpoint or API key configured \(profile "default"\): run `edgefleet configure`/);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await edgefleet(['devices', 'list', '--endpoint', closed]);
    expect([unreachable.code, unreachable.stderr.trim()]).toEqual([4, `error: cannot reach the api at ${closed}: ECONNREFUSED`]);
    const usage = await edgefleet(['devices', 'list', '--first', '500']);
    expect([usage.code, usage.stderr]).toEqual([2, "error: option '--first <n>' argument '500' is invalid. --first must be a whole number from 1 to 100.\n"]);
  });

  it('lists, describes, provisions (writing the bundle) and deletes devices', async () => {
    const listed = await until(() => json(['devices', 'list', '--status', 'online']), (l) => l.devices.length === 2);
    for (const d of listed.devices) devices[d.name] = d.deviceId;
    expect(Object.keys(devices).sort()).toEqual(['ops-1', 'ops-2']);
    const table = await edgefleet(['devices', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^DEVICE ID\s+NAME\s+STATUS\s+CONNECTION\s+SOFTWARE\s+LAST SEEN$/);
    // An enum value that is not one: a usage error (2) listing the valid ones, in any case.
    const bogus = await edgefleet(['devices', 'list', '--status', 'sleeping']);
    expect([bogus.code, bogus.stderr]).toEqual([2, expect.stringMatching(/--status must be one of ONLINE, OFFLINE, UPDATE_NEEDED, REBOOTING, AWAITING_PROVISIONING/)]);
    expect(table.stdout).toMatch(new RegExp(`^${devices['ops-1']}\\s+ops-1\\s+ONLINE\\s+ONLINE\\s+\\S+`, 'm'));

    const described = await edgefleet(['devices', 'describe', devices['ops-1'], '--shadow', 'system']);
    expect([described.code, described.stderr]).toEqual([0, '']);
    expect(described.stdout).toMatch(/^Connection:\s+ONLINE$/m);
    expect(described.stdout).toMatch(/^Ethernet 0:\s+10\.\S+ CONNECTED 8C:1F:64/m);
    expect(described.stdout).toContain('Shadow system');

    const out = path.join(stack.dir, 'bundles');
    mkdirSync(out);
    const provisioned = await json(['devices', 'provision', 'lobby-cam', '--out', out, '--tag', 'site=hq']);
    const bundle = path.join(out, 'certificates-omni_lobby-cam.zip');
    expect(provisioned).toMatchObject({ status: 'AWAITING_PROVISIONING', bundle });
    expect(provisioned).not.toHaveProperty('certificates');
    expect(readFileSync(bundle).subarray(0, 2).toString()).toBe('PK');
    expect(statSync(bundle).mode & 0o777).toBe(0o600);
    // Newest first, as its help says.
    expect((await edgefleet(['devices', 'list'])).stdout.split('\n')[1]).toMatch(/^\S+\s+lobby-cam\s/);
    const again = await edgefleet(['devices', 'provision', 'lobby-cam', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: (CONFLICT|ALREADY_EXISTS) \(\w+\): /);

    expect((await json(['devices', 'delete', provisioned.deviceId])).provisioningStatus).toBe('DELETING');
    const missing = await edgefleet(['devices', 'describe', 'device-aaaaaaaaaaaaaaaaaaaaaaaaaa']);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, 'error: NOT_FOUND (DEVICE_NOT_FOUND): Device device-aaaaaaaaaaaaaaaaaaaaaaaaaa was not found.']);
  });

  it('traces a request from the api through the outbox and a worker to the gateway (OpenTelemetry)', async () => {
    const { jobs } = (await q('mutation($d: ID!) { createJobForDevices(input: {jobType: REBOOT, deviceIds: [$d]}) { jobs { jobId } } }', { d: devices['ops-2'] })).createJobForDevices;
    const traced = await until(
      async () => {
        const worker = spans.filter((s) => s.service === 'edgefleet-worker' && s.name === 'jobs notify-devices');
        return worker.map((w) => ({ worker: w, trace: spans.filter((s) => s.traceId === w.traceId) })).find((t) => t.trace.some((s) => s.service === 'edgefleet-gateway' && s.name === 'mqtt deliver'));
      },
      (t) => t !== undefined && t.trace.some((s) => s.service === 'edgefleet-api' && s.spanId === t.worker.parentSpanId),
      30_000,
    );
    const services = new Set(traced!.trace.map((s) => s.service));
    expect([...services].sort()).toEqual(['edgefleet-api', 'edgefleet-gateway', 'edgefleet-worker']);
    // Postgres and Redis calls are spans too; probes and scrapes are not.
    expect(traced!.trace.some((s) => s.service === 'edgefleet-api' && /^(pg\.|SELECT|INSERT|UPDATE|WITH)/.test(s.name))).toBe(true);
    expect(spans.some((s) => /health|metrics/.test(s.name))).toBe(false);
    const done = await until(() => json(['jobs', 'describe', jobs[0].jobId]), (j) => j.status === 'COMPLETED');
    expect(done.status).toBe('COMPLETED');
  });

  it('reboots a device and follows its job live until it completes', async () => {
    const r = await edgefleet(['jobs', 'reboot', devices['ops-1'], '--wait']);
    expect(r.code).toBe(0);
    const job = `${devices['ops-1']}-0`;
    // Without a terminal, each change of the live progress is a line on stderr.
    expect(r.stderr).toContain(`${job} REBOOTING`);
    expect(r.stderr).toContain(`${job} COMPLETED`);
    expect(r.stdout).toMatch(new RegExp(`^${job}\\s+REBOOT\\s+${devices['ops-1']}\\s+ops-1\\s+COMPLETED`, 'm'));
    expect((await json(['jobs', 'list', '--device', devices['ops-1']])).map((j: any) => [j.jobId, j.status])).toEqual([[job, 'COMPLETED']]);
  });

  it('rolls out in waves with live progress, and pauses, resumes and cancels a rollout', async () => {
    const target = ['--type', 'REBOOT', '--name-contains', 'ops-', '--initial', '1'];
    expect((await json(['rollouts', 'create', '--name', 'dry', ...target, '--dry-run'])).targeted).toBe(2);
    const watched = await edgefleet(['rollouts', 'create', '--name', 'ops-reboot', ...target, '--watch']);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/^STATUS:\s+COMPLETED$/m);
    expect(watched.stdout).toMatch(/^PROGRESS:\s+2\/2 done: 2 succeeded, 0 failed/m);
    expect(watched.stderr).toMatch(/ops-reboot IN_PROGRESS wave 1/);

    const slow = await json(['rollouts', 'create', '--name', 'slow', ...target, '--max-per-minute', '1']);
    await until(() => json(['rollouts', 'describe', slow.id]), (r) => r.status === 'IN_PROGRESS');
    expect((await json(['rollouts', 'pause', slow.id])).status).toBe('PAUSED');
    expect((await json(['rollouts', 'resume', slow.id])).status).toBe('IN_PROGRESS');
    expect((await json(['rollouts', 'cancel', slow.id])).status).toBe('CANCELED');
    const ended = await edgefleet(['rollouts', 'watch', slow.id]);
    expect([ended.code, ended.stderr.trim().split('\n').at(-1)]).toEqual([5, expect.stringMatching(/^error: rollout slow ended CANCELED/)]);
    expect((await edgefleet(['rollouts', 'create', '--name', 'x', '--type', 'OTA', '--device', devices['ops-1']])).stderr.trim()).toBe('error: an OTA rollout needs --version');
  });

  it('adds a camera whose password comes from a file and never shows up again', async () => {
    const password = `cam-${randomBytes(8).toString('hex')}`;
    writeFileSync(path.join(stack.dir, 'camera-password'), `${password}\n`);
    const added = await edgefleet(['cameras', 'add', 'exterior-south', '--url', 'rtsp://192.168.0.77/live/mpeg4/', '--username', 'cam-user', '--password-file', path.join(stack.dir, 'camera-password')]);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^STATUS:\s+SUCCEEDED$/m);
    expect(added.stdout).toMatch(/^CREDENTIALS:\s+stored$/m);
    const listed = await edgefleet(['cameras', 'list', '-o', 'json']);
    expect(JSON.parse(listed.stdout).map((c: any) => c.nodeName)).toEqual(['exterior-south']);
    for (const text of [added.stdout, added.stderr, listed.stdout, ...stack.running.map((p) => p.output())]) expect(text).not.toContain(password);
  });

  it('creates, uploads and registers a package, and deploys an application folder, showing manifest problems precisely', async () => {
    const { packageId } = await json(['packages', 'create', 'SAMPLE_CODE']);
    const work = path.join(stack.dir, 'sample');
    mkdirSync(work);
    const code = path.join(work, 'code.tar.gz');
    execFileSync('tar', ['-czf', code, '-C', path.join(FIXTURES, 'sample-app'), 'application.py']);
    const descriptor = path.join(work, 'descriptor.json');
    writeFileSync(descriptor, readFileSync(path.join(FIXTURES, 'SAMPLE_CODE.descriptor.json')));
    const manifest = path.join(work, 'package.json');
    writeFileSync(manifest, readFileSync(path.join(FIXTURES, 'SAMPLE_CODE.package.json'), 'utf8').replace('<code_asset>', sha256(readFileSync(code))).replace('<code_descriptor>', sha256(readFileSync(descriptor))));

    const uploaded = await edgefleet(['packages', 'upload', packageId, code, descriptor]);
    expect(uploaded.code).toBe(0);
    expect(uploaded.stderr).toContain('code.tar.gz uploaded');
    expect(uploaded.stdout).toMatch(new RegExp(`${sha256(readFileSync(code))}\\s+\\d+\\s+yes`));
    expect((await edgefleet(['packages', 'upload', packageId, code])).stdout).toMatch(/already$/m);
    const unregistered = await edgefleet(['packages', 'register', packageId, path.join(FIXTURES, 'SQUEEZENET_PYTORCH_V1.package.json')]);
    expect(unregistered.code).toBe(1);
    const registered = await json(['packages', 'register', packageId, manifest, '--mark-latest']);
    expect(registered).toMatchObject({ packageVersion: '1.0', patchVersion: sha256(readFileSync(manifest)), status: 'REGISTER_COMPLETED', isLatestPatch: true });

    // An application folder as panorama-cli lays it out: graphs/<app>/graph.json, overrides beside it.
    const account = (await q('{ nodes(filter: {category: MEDIA_SOURCE}) { edges { node { ownerAccount } } } }')).nodes.edges[0].node.ownerAccount;
    const graph = JSON.parse(readFileSync(path.join(FIXTURES, 'graph.json'), 'utf8').replaceAll('123456789012', account));
    graph.nodeGraph.packages = graph.nodeGraph.packages.filter((p: { name: string }) => !p.name.includes('SQUEEZENET'));
    graph.nodeGraph.nodes = graph.nodeGraph.nodes.filter((n: { name: string }) => n.name !== 'model_node');
    const folder = (name: string, g: object) => {
      const dir = path.join(stack.dir, name);
      mkdirSync(path.join(dir, 'graphs', name), { recursive: true });
      writeFileSync(path.join(dir, 'graphs', name, 'graph.json'), JSON.stringify(g, null, 2));
      writeFileSync(path.join(dir, 'graphs', name, 'override.json'), readFileSync(path.join(FIXTURES, 'overrides.json'), 'utf8').replaceAll('123456789012', account));
      return dir;
    };
    const broken = structuredClone(graph);
    broken.nodeGraph.nodes[0].interface = `${account}::SAMPLE_CODE.no_such_interface`;
    const refused = await edgefleet(['deploy', folder('broken', broken), '--device', devices['ops-2']]);
    expect(refused.code).toBe(5);
    expect(refused.stdout.split('\n')[0]).toMatch(/^FILE\s+PATH\s+PROBLEM$/);
    expect(refused.stdout).toMatch(/graphs\/broken\/graph\.json\s+\$\.nodeGraph\.nodes\[0\]\.interface\s+\S/);
    expect(refused.stderr).toMatch(/^error: .*graph\.json with .*override\.json has \d+ problems?; nothing was deployed$/m);
    expect((await json(['apps', 'list', '--device', devices['ops-2']])).length).toBe(0);

    const deployed = await edgefleet(['deploy', folder('sample', graph), '--device', devices['ops-2'], '--wait']);
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toMatch(/^STATUS:\s+DEPLOYMENT_SUCCEEDED$/m);
    const [app] = await json(['apps', 'list', '--device', devices['ops-2']]);
    expect(app).toMatchObject({ name: 'sample', status: 'DEPLOYMENT_SUCCEEDED', healthStatus: 'RUNNING' });
    const id = (appId = app.applicationInstanceId);
    const nodes = async () => Object.fromEntries((await json(['apps', 'describe', id])).nodeInstances.map((n: any) => [n.nodeInstanceId, n.currentStatus]));
    expect(await until(nodes, (n) => n.code_node === 'RUNNING')).toMatchObject({ code_node: 'RUNNING', my_camera: 'RUNNING' });
    await json(['apps', 'pause', id, '--node', 'code_node']);
    await until(nodes, (n) => n.code_node === 'PAUSED');
    await json(['apps', 'resume', id]);
    await until(nodes, (n) => n.code_node === 'RUNNING' && n.my_camera === 'RUNNING');

    // Logs: the simulated node's output, and the device's own lines, as `tail` prints them.
    const appLogs = await until(() => edgefleet(['logs', id, '--node', 'code_node']), (r) => r.stdout.includes(`started code_node of ${id}`));
    expect(appLogs.stdout).toMatch(/^\d{4}-\d\d-\d\dT\S+Z {2}code_node {2}started code_node/m);
    expect((await edgefleet(['logs', devices['ops-2']])).stdout).toMatch(/ {2}syslog {2}connected; running software /);
    expect((await edgefleet(['logs', devices['ops-2'], '--node', 'x'])).code).toBe(2);

    // Like tail: --limit N is the newest N lines, oldest first; --since and --until cut a window.
    const db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    const base = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 1; i <= 150; i++) {
      await db.query(`INSERT INTO "LogEvent" ("deviceId", "logGroup", "logStream", "timestamp", message) VALUES ($1, $2, 'tailtest', $3, $4)`, [devices['ops-1'], `/aws/panorama/devices/${devices['ops-1']}`, new Date(base + i * 1000), `line ${i}`]);
    }
    await db.end();
    const lines = async (args: string[]) => (await edgefleet(['logs', devices['ops-1'], '--stream', 'tailtest', ...args, '-o', 'json'])).stdout.trim().split('\n').map((l) => JSON.parse(l).message);
    expect(await lines(['--limit', '3'])).toEqual(['line 148', 'line 149', 'line 150']);
    expect(await lines(['--limit', '120'])).toEqual(Array.from({ length: 120 }, (_, i) => `line ${i + 31}`)); // two pages, read backwards
    expect(await lines(['--since', new Date(base + 10_000).toISOString(), '--until', new Date(base + 13_000).toISOString()])).toEqual(['line 10', 'line 11', 'line 12']);
    expect((await edgefleet(['logs', devices['ops-1'], '--since', 'yesterday-ish'])).code).toBe(2);
  });

  it('administers organizations with the installation admin key only', async () => {
    const refused = await edgefleet(['orgs', 'list']);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringMatching(/^error: FORBIDDEN \(INSTALLATION_ADMIN_REQUIRED\)/)]);
    const admin = { EDGEFLEET_API_KEY: installationKey };
    const created = await json(['orgs', 'create', 'acme'], admin);
    expect(created.adminApiKey).toMatch(/^efk_/);
    expect((await json(['orgs', 'list'], admin)).map((o: any) => o.name)).toContain('acme');
    expect((await json(['orgs', 'suspend', created.organization.id], admin)).suspendedTime).not.toBeNull();
    expect((await json(['orgs', 'resume', created.organization.id], admin)).suspendedTime).toBeNull();
    // The new organization sees none of this one's devices.
    expect((await json(['devices', 'list'], { EDGEFLEET_API_KEY: created.adminApiKey })).totalCount).toBe(0);
  });

  it('serves Prometheus metrics on the api, the worker and the gateway', async () => {
    const scrape = async (url: string) => {
      const res = await fetch(url);
      expect([res.status, res.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/plain; version=0\.0\.4/)]);
      return res.text();
    };
    // Not on the public port: on API_METRICS_PORT, like the others.
    expect((await fetch(`${stack.url}/metrics`)).status).toBe(404);
    const api = await scrape(metricsUrl('API'));
    expect(api).toMatch(/^edgefleet_api_requests_total\{kind="graphql",operation="Devices",status="200",app="api"\} \d+$/m);
    expect(api).toMatch(/^edgefleet_api_errors_total\{kind="graphql",operation="Device",code="NOT_FOUND",app="api"\} [1-9]/m);
    expect(api).toMatch(/^edgefleet_api_request_duration_seconds_count\{app="api",kind="graphql",operation="CreateRollout"\} [1-9]/m);
    expect(api).toMatch(/^edgefleet_api_request_duration_seconds_bucket\{le="\+Inf",app="api",kind="graphql",operation="CreateRollout"\} [1-9]/m);
    expect(api).toMatch(/^edgefleet_process_cpu_seconds_total\{app="api"\}/m);
    // Caller-chosen operation names never become series: an unknown one is `other`.
    await gql(stack.url, stack.key, 'query NameOfSomeTenant { whoami { role } }');
    expect(await scrape(metricsUrl('API'))).toMatch(/^edgefleet_api_requests_total\{kind="graphql",operation="other",status="200",app="api"\} [1-9]/m);
    expect(await scrape(metricsUrl('API'))).not.toContain('NameOfSomeTenant');

    // The worker serves the whole installation: this organization's series are the ones to check.
    const org = (await q('{ whoami { organizationId } }')).whoami.organizationId;
    const active = (name: string) => new RegExp(`^DeviceActive\\{DeviceId="${devices[name]}",DeviceName="${name}",organization="${org}",app="worker"\\} 1$`, 'm');
    // Both devices back online after the reboots above (the worker reads the fleet at most every 5 s).
    const worker = await until(() => scrape(metricsUrl('worker')), (t) => active('ops-1').test(t) && active('ops-2').test(t), 30_000);
    expect(worker).toMatch(new RegExp(`^edgefleet_device_jobs\\{organization="${org}",type="REBOOT",status="COMPLETED",app="worker"\\} [3-9]$`, 'm'));
    expect(worker).toMatch(new RegExp(`^edgefleet_rollouts\\{organization="${org}",status="CANCELED",app="worker"\\} 1$`, 'm'));
    expect(worker).toMatch(/^edgefleet_queue_jobs\{queue="applications",state="waiting",app="worker"\} \d+$/m);
    expect(worker).toMatch(/^edgefleet_queue_oldest_waiting_seconds\{queue="jobs",app="worker"\} [\d.]+$/m);
    expect(worker).toMatch(/^edgefleet_queue_jobs_processed_total\{queue="jobs",name="notify-devices",result="completed",app="worker"\} [1-9]/m);
    expect(worker).toMatch(new RegExp(`^ApplicationErrors\\{ApplicationInstanceId="${appId}",ApplicationInstanceName="sample",organization="${org}",app="worker"\\} 0$`, 'm'));
    expect(worker).toMatch(new RegExp(`^edgefleet_application_instances\\{organization="${org}",status="DEPLOYMENT_SUCCEEDED",app="worker"\\} 1$`, 'm'));
    expect((await fetch(metricsUrl('worker').replace(/metrics$/, 'health'))).status).toBe(200);

    const gateway = await until(() => scrape(metricsUrl('gateway')), (t) => /^edgefleet_gateway_connected_devices\{app="gateway"\} 2$/m.test(t), 30_000);
    expect(gateway).toMatch(/^edgefleet_shadow_updates_total\{result="accepted",app="gateway"\} [1-9]/m);
    expect(gateway).toMatch(/^edgefleet_device_requests_total\{service="jobs",operation="\$aws\/things\/\{thingName\}\/jobs\/\{jobId\}\/update",result="accepted",app="gateway"\} [1-9]/m);
    expect(gateway).toMatch(/^edgefleet_gateway_connections_total\{result="device",app="gateway"\} [1-9]/m);
    expect(await (await fetch(metricsUrl('gateway').replace(/metrics$/, 'health'))).json()).toEqual({ status: 'ok', connectedDevices: 2 });

    // Every series the Grafana dashboard and the alert rules in infra/ query is one the apps serve.
    const served = new Set([api, worker, gateway].flatMap((t) => [...t.matchAll(/^(\w+)[{ ]/gm)].map((m) => m[1])));
    const queried = ['infra/grafana/dashboards/edgefleet-fleet.json', 'infra/prometheus/alerts.yml'].flatMap((f) => [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(/\b(edgefleet_\w+|DeviceActive|ApplicationErrors)\b/g)].map((m) => m[1]));
    expect(queried.length).toBeGreaterThan(20);
    expect([...new Set(queried)].filter((name) => !served.has(name))).toEqual([]);
  });

  it('opens BullMQ’s dashboard to ADMIN keys of the installation’s own organization only', async () => {
    const dashboard = (authorization?: string) => fetch(`${stack.url}/admin/queues`, { headers: authorization ? { authorization } : {} });
    const anonymous = await dashboard();
    expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([401, expect.stringMatching(/^Basic realm=/)]);
    const viewer = dataOf(await gql(stack.url, stack.key, CreateApiKeyDocument, { input: { name: 'viewer', role: 'VIEWER' } })).createApiKey.secret;
    expect((await dashboard(`Bearer ${viewer}`)).status).toBe(403);
    const other = await json(['orgs', 'create', 'other-tenant'], { EDGEFLEET_API_KEY: installationKey });
    expect((await dashboard(`Bearer ${other.adminApiKey}`)).status).toBe(403);
    const basic = `Basic ${Buffer.from(`admin:${stack.key}`).toString('base64')}`;
    const page = await dashboard(basic);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>EdgeFleet queues</title>');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"']+\.(css|js)|fonts\.googleapis/); // nothing from outside the installation
    const queues = (await (await fetch(`${stack.url}/admin/queues/api/queues`, { headers: { authorization: basic } })).json()) as { queues: { name: string }[] };
    expect(queues.queues.map((x: { name: string }) => x.name).sort()).toEqual(['applications', 'devices', 'groups', 'jobs', 'streams']);
    expect((await fetch(`${stack.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${installationKey}` } })).status).toBe(200);
  });

  it('never exports a signed URL’s signature in a trace', async () => {
    const all = exported.join('\n');
    expect(all).toContain('/packages/assets/upload/'); // the uploads above were traced
    expect(all.match(/signature=[^&"\s]*/g)?.filter((m) => m !== 'signature=REDACTED') ?? []).toEqual([]);
  });

  it('uploads and lists software images, creates, lists and revokes keys, and rolls a deployment out', async () => {
    const image = path.join(stack.dir, 'image-6.0.0.bin');
    writeFileSync(image, randomBytes(50_000));
    expect(await json(['images', 'upload', '6.0.0', image, '--release-notes', 'new model runtime', '--major'])).toMatchObject({ version: '6.0.0', majorVersionUpdate: true, size: 50_000, sha256: sha256(readFileSync(image)) });
    expect((await json(['images', 'list'])).map((i: any) => i.version)).toContain('6.0.0');

    const access = await json(['keys', 'create', 'ci-scripts', '--role', 'viewer', '--access-key']);
    expect(access).toMatchObject({ accessKeyId: expect.stringMatching(/^EFAK/), secretAccessKey: expect.any(String), apiKey: { role: 'VIEWER' } });
    expect((await json(['keys', 'list'])).map((k: any) => k.name)).toContain('ci-scripts');
    expect((await json(['keys', 'revoke', access.apiKey.id])).revokedAt).toEqual(expect.any(String));
    const badRole = await edgefleet(['keys', 'create', 'x', '--role', 'root']);
    expect([badRole.code, badRole.stderr]).toEqual([2, expect.stringMatching(/--role.*VIEWER, OPERATOR, ADMIN/)]);

    // The deployed application again, to both devices, as a rollout replacing each device's instance of that name.
    const graph = path.join(stack.dir, 'sample', 'graphs', 'sample', 'graph.json');
    const overrides = path.join(stack.dir, 'sample', 'graphs', 'sample', 'override.json');
    const rollout = await edgefleet(['rollouts', 'create', '--name', 'redeploy', '--type', 'deploy_application', '--manifest', graph, '--overrides', overrides, '--app-name', 'sample', '--replace', 'sample', '--name-contains', 'ops-', '--initial', '2', '--watch']);
    expect([rollout.code, rollout.stderr.split('\n')[0]]).toEqual([0, expect.stringMatching(/^rollout redeploy created: [0-9a-f-]{36}$/)]);
    const running = await json(['apps', 'list', '--status', 'deployment_succeeded']);
    expect(running.filter((a: any) => a.name === 'sample').map((a: any) => a.defaultRuntimeContextDeviceName).sort()).toEqual(['ops-1', 'ops-2']);
    appId = running.find((a: any) => a.defaultRuntimeContextDeviceName === 'ops-2').applicationInstanceId;
    // Pause and resume wait for the device to say so.
    expect((await edgefleet(['apps', 'pause', appId, '--node', 'code_node', '--wait'])).code).toBe(0);
    expect((await json(['apps', 'describe', appId])).nodeInstances.find((n: any) => n.nodeInstanceId === 'code_node').currentStatus).toBe('PAUSED');
    expect((await edgefleet(['apps', 'resume', appId, '--wait'])).code).toBe(0);
  });

  it('removes the application instance, waiting for the device', async () => {
    const removed = await json(['apps', 'remove', appId, '--wait']);
    expect(removed.status).toBe('REMOVAL_SUCCEEDED');
  });
});
