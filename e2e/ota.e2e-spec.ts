import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UrlSigner } from '@edgefleet/artifacts';
import { downloadPath } from '@edgefleet/jobs';
import { SystemClock } from '@edgefleet/runtime';
import { type Stack, codeOf, dataOf, eventually, gql, startApp, startStack, subscriptionClient, testConfig, waitForOutput } from './support';

jest.setTimeout(180_000);

/**
 * The operator's OTA path, every app its own process: upload an image, update a real
 * edge-agent, then roll the update out over a simulated fleet in waves, watched by subscription.
 */
describe('OTA and rollouts, end to end', () => {
  let stack: Stack;
  let url: string;
  let key: string;
  let dir: string;
  let env: Record<string, string>;
  const image = randomBytes(300_000);
  const sha256 = createHash('sha256').update(image).digest('hex');
  const q = async (query: string, variables: Record<string, unknown> = {}) => dataOf(await gql(url, key, query, variables));
  const until = <T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000) => eventually(probe, ok, ms);

  beforeAll(async () => {
    stack = await startStack('ota', { JOB_SWEEP_MS: '250' });
    ({ url, key, dir, env } = stack);
  });
  afterAll(() => stack.stop());
  it('registers and uploads an image through a signed URL; downloads resume with Range; bad signatures are refused', async () => {
    await q('mutation { registerSoftwareImage(input: {version: "4.3.45"}) { version } }');
    const registered = await q('mutation { registerSoftwareImage(input: {version: "5.1.3", releaseNotes: "faster inference"}) { version sha256 } }');
    expect(registered.registerSoftwareImage).toEqual({ version: '5.1.3', sha256: null });
    expect(codeOf(await gql(url, key, 'mutation { registerSoftwareImage(input: {version: "5.1.3"}) { version } }'))).toBe('CONFLICT');
    expect(codeOf(await gql(url, key, 'mutation { registerSoftwareImage(input: {version: "v5"}) { version } }'))).toBe('VALIDATION_FAILED');

    const upload = (await q('mutation { createUploadUrl(version: "5.1.3") { url expiresAt } }')).createUploadUrl;
    // One character changed (a signature that began with 'x' stayed valid when it was always made 'x').
    const tampered = upload.url.replace(/signature=(.)/, (_: string, c: string) => `signature=${c === 'x' ? 'y' : 'x'}`);
    expect((await fetch(tampered, { method: 'PUT', body: image, headers: { 'content-type': 'application/octet-stream' } })).status).toBe(403);
    const put = await fetch(upload.url, { method: 'PUT', body: image, headers: { 'content-type': 'application/octet-stream' } });
    expect(await put.json()).toEqual({ version: '5.1.3', sha256, size: image.length });
    expect((await fetch(upload.url, { method: 'PUT', body: image, headers: { 'content-type': 'application/octet-stream' } })).status).toBe(409);
    const small = (await q('mutation { createUploadUrl(version: "4.3.45") { url } }')).createUploadUrl.url;
    await fetch(small, { method: 'PUT', body: Buffer.from('old'), headers: { 'content-type': 'application/octet-stream' } });
    expect((await q('{ softwareImages { version size sha256 } }')).softwareImages.map((i: any) => [i.version, i.size])).toEqual([['5.1.3', image.length], ['4.3.45', 3]]);

    // Devices download through signed URLs (the api, worker and gateway share the signing key), in ranges.
    const signer = new UrlSigner(testConfig({ DATA_DIR: env.DATA_DIR, API_PUBLIC_URL: url }), new SystemClock());
    const download = signer.sign('GET', downloadPath(sha256), 60).url;
    const whole = await fetch(download);
    expect([whole.status, whole.headers.get('accept-ranges'), Buffer.from(await whole.arrayBuffer()).equals(image)]).toEqual([200, 'bytes', true]);
    const rest = await fetch(download, { headers: { range: 'bytes=100000-' } });
    expect([rest.status, rest.headers.get('content-range')]).toEqual([206, `bytes 100000-${image.length - 1}/${image.length}`]);
    expect(Buffer.from(await rest.arrayBuffer()).equals(image.subarray(100000))).toBe(true);
    expect((await fetch(download, { headers: { range: `bytes=${image.length}-` } })).status).toBe(416);
    expect((await fetch(download.replace(/expires=\d+/, 'expires=9999999999'))).status).toBe(403);
    expect((await fetch(signer.sign('GET', downloadPath(sha256), -1).url)).status).toBe(403); // expired
  });

  it('updates a real edge-agent: resumed download, SHA-256 check, install hook, reboot, new version reported → COMPLETED', async () => {
    const networking = { ethernet0: { connectionType: 'STATIC_IP', staticIpConnectionInfo: { ipAddress: '192.168.7.20', mask: '255.255.255.0', defaultGateway: '192.168.7.1', dns: ['192.168.7.1'] } }, ntp: { ntpServers: ['ntp.example.com'] } };
    const r = await q('mutation($n: NetworkingConfigurationInput) { provisionDevice(input: {name: "dock-cam", networkingConfiguration: $n}) { deviceId certificates } }', { n: networking });
    const { deviceId, certificates } = r.provisionDevice;
    const zip = path.join(dir, 'dock-cam.zip');
    writeFileSync(zip, Buffer.from(certificates, 'base64'));
    const installed = path.join(dir, 'installed');
    // The state an interrupted download leaves: the agent resumes it with a Range request.
    mkdirSync(path.join(dir, 'agent', 'downloads'), { recursive: true });
    writeFileSync(path.join(dir, 'agent', 'downloads', `${sha256}.part`), image.subarray(0, 100_000));
    const agent = startApp('edge-agent', { LOG_LEVEL: 'info' }, ['--bundle', zip, '--data-dir', path.join(dir, 'agent'), '--software-version', '5.0.7', '--install-command', `cp "$IMAGE_FILE" ${installed}-$IMAGE_VERSION; true`]);
    stack.running.push(agent);
    await until(() => q('query($id: ID!) { device(deviceId: $id) { currentSoftware deviceConnectionStatus } }', { id: deviceId }), (d) => d.device.currentSoftware === '5.0.7');
    // The bundle's network settings, reported back by the device: in its system shadow, and its NTP server in its networking status.
    const reported = await q('query($id: ID!) { deviceShadow(deviceId: $id, shadowName: "system") device(deviceId: $id) { currentNetworkingStatus { ntpStatus { ntpServerName } } } }', { id: deviceId });
    expect(reported.deviceShadow.state.reported.networkingConfiguration).toEqual(networking);
    expect(reported.device.currentNetworkingStatus.ntpStatus.ntpServerName).toBe('ntp.example.com');

    expect(codeOf(await gql(url, key, 'mutation($id: ID!) { createJobForDevices(input: {deviceIds: [$id], jobType: OTA, deviceJobConfig: {otaJobConfig: {imageVersion: "4.3.45"}}}) { jobs { jobId } } }', { id: deviceId }))).toBe('VALIDATION_FAILED');
    expect(codeOf(await gql(url, key, 'mutation($id: ID!) { createJobForDevices(input: {deviceIds: [$id], jobType: OTA, deviceJobConfig: {otaJobConfig: {imageVersion: "9.9.9"}}}) { jobs { jobId } } }', { id: deviceId }))).toBe('NOT_FOUND');
    const created = await q('mutation($id: ID!) { createJobForDevices(input: {deviceIds: [$id], jobType: OTA, deviceJobConfig: {otaJobConfig: {imageVersion: "5.1.3"}}}) { jobs { jobId deviceId } } }', { id: deviceId });
    const { jobId } = created.createJobForDevices.jobs[0];
    expect(jobId).toBe(`${deviceId}-0`);
    expect(codeOf(await gql(url, key, 'mutation($id: ID!) { createJobForDevices(input: {deviceIds: [$id], jobType: OTA, deviceJobConfig: {otaJobConfig: {imageVersion: "5.1.3"}}}) { jobs { jobId } } }', { id: deviceId }))).toBe('CONFLICT');

    const job = await until(() => q('query($j: String!) { deviceJob(jobId: $j) { status statusReason deviceName imageVersion attempts timeline { to } } }', { j: jobId }), (d) => ['COMPLETED', 'FAILED', 'TIMED_OUT'].includes(d.deviceJob.status));
    expect(job.deviceJob).toMatchObject({ status: 'COMPLETED', deviceName: 'dock-cam', imageVersion: '5.1.3', attempts: 1 });
    expect(job.deviceJob.timeline.map((e: any) => e.to)).toEqual(['PENDING', 'IN_PROGRESS', 'DOWNLOADING', 'VERIFYING', 'REBOOTING', 'COMPLETED']);
    expect(readFileSync(`${installed}-5.1.3`).equals(image)).toBe(true);
    expect((await q('query($id: ID!) { device(deviceId: $id) { currentSoftware } }', { id: deviceId })).device.currentSoftware).toBe('5.1.3');
    const listed = await q('query($id: ID!) { devicesJobs(deviceId: $id, first: 5) { edges { node { jobId status } } pageInfo { hasNextPage } } }', { id: deviceId });
    expect(listed.devicesJobs).toEqual({ edges: [{ node: { jobId, status: 'COMPLETED' } }], pageInfo: { hasNextPage: false } });
    expect(existsSync(path.join(dir, 'agent', 'downloads', sha256))).toBe(false); // installed, then cleaned up
    // The agent's own events are the device's logs, as on an appliance: `edgefleet logs <device>` shows the OTA.
    const lines = async () => (await q('query($d: ID!) { deviceLogs(deviceId: $d, first: 100) { edges { node { logStream message } } } }', { d: deviceId })).deviceLogs.edges.map((e: any) => `${e.node.logStream} ${e.node.message}`);
    const logged = await until(lines, (l) => l.some((m: string) => /connected/.test(m)) && l.some((m: string) => /rebooting/.test(m)));
    expect(logged).toEqual(expect.arrayContaining([
      expect.stringMatching(/^syslog INFO provisioned; identity stored/),
      expect.stringMatching(new RegExp(`^ota_log INFO job ${jobId}: OTA to 5\\.1\\.3`)),
      expect.stringMatching(new RegExp(`^ota_log INFO job ${jobId}: IN_PROGRESS \\(DOWNLOADING\\)`)),
      expect.stringMatching(new RegExp(`^ota_log INFO job ${jobId}: software 5\\.1\\.3 installed`)),
      expect.stringMatching(new RegExp(`^ota_log INFO job ${jobId}: rebooting`)),
      expect.stringMatching(/^syslog INFO restarting/),
    ]));
  });

  it("a deregistered device wipes its identity and stops instead of retrying forever; --reset takes a new bundle's identity", async () => {
    const provision = async (name: string) => {
      const { deviceId, certificates } = (await q('mutation($n: String!) { provisionDevice(input: {name: $n}) { deviceId certificates } }', { n: name })).provisionDevice;
      const zip = path.join(dir, `${name}.zip`);
      writeFileSync(zip, Buffer.from(certificates, 'base64'));
      return { deviceId, zip };
    };
    const data = path.join(dir, 'reset-agent');
    const first = await provision('reset-cam');
    const agent = startApp('edge-agent', { LOG_LEVEL: 'info' }, ['--bundle', first.zip, '--data-dir', data]);
    stack.running.push(agent);
    await until(() => q('query($id: ID!) { device(deviceId: $id) { deviceConnectionStatus } }', { id: first.deviceId }), (d) => d.device.deviceConnectionStatus === 'ONLINE');
    // Keeps a file of its applications' data: `--reset identity` keeps it, `--reset all` does not.
    mkdirSync(path.join(data, 'apps'), { recursive: true });
    writeFileSync(path.join(data, 'apps', 'kept'), 'x');

    // A second bundle for another device is not taken silently over the stored identity.
    const second = await provision('reset-cam-2');
    const refused = startApp('edge-agent', {}, ['--bundle', second.zip, '--data-dir', data]);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain(`is already ${first.deviceId}; the bundle is for ${second.deviceId}. Start with --reset identity`);

    await q('mutation($id: ID!) { deleteDevice(deviceId: $id) { deviceId } }', { id: first.deviceId });
    expect(await Promise.race([agent.exited, new Promise((r) => setTimeout(() => r('still running'), 20_000))])).toBe(3);
    expect(agent.output()).toContain(`${first.deviceId} was deregistered (its certificate is no longer authorized); its identity was wiped`);
    expect(existsSync(path.join(data, 'identity.json'))).toBe(false);
    expect(existsSync(path.join(data, 'apps', 'kept'))).toBe(true);

    // The next start takes the new bundle; --reset all wipes the applications' data too.
    const again = startApp('edge-agent', { LOG_LEVEL: 'info' }, ['--bundle', second.zip, '--data-dir', data, '--reset', 'all']);
    stack.running.push(again);
    await until(() => q('query($id: ID!) { device(deviceId: $id) { deviceConnectionStatus } }', { id: second.deviceId }), (d) => d.device.deviceConnectionStatus === 'ONLINE');
    expect(existsSync(path.join(data, 'apps', 'kept'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(data, 'identity.json'), 'utf8')).thingName).toBe(second.deviceId);
    const bad = startApp('edge-agent', {}, ['--data-dir', data, '--reset', 'everything']);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('--reset takes identity (keep applications) or all (wipe everything), not "everything".');
  });

  it('rolls an OTA out over a simulated fleet in waves, watched by subscription; every device ends on the new version', async () => {
    const fleet = startApp('edge-agent', { EDGEFLEET_API_KEY: key, API_PORT: env.API_PORT, DATA_DIR: env.DATA_DIR }, ['--devices', '12', '--prefix', 'wave', '--churn', '0', '--job-step-ms', '50', '--reboot-ms', '200'], 'fleet.main.ts');
    stack.running.push(fleet);
    await waitForOutput(fleet, /fleet ready: 12 devices/, 90_000);
    const input = { name: 'wave-rollout', jobType: 'OTA', deviceJobConfig: { otaJobConfig: { imageVersion: '5.1.3', allowMajorVersionUpdate: true } }, target: { filter: { nameContains: 'wave-' } }, waves: { initialSize: 2, growthFactor: 2 }, abortConfig: { failurePercent: 50, minExecutedForAbort: 4 } };
    const mutation = 'mutation($input: CreateRolloutInput!) { createRollout(input: $input) { rollout { id status } dryRun { targeted offline devices { deviceId online } } } }';

    const dry = (await until(() => q(mutation, { input: { ...input, dryRun: true } }), (d) => d.createRollout.dryRun.offline === 0, 20_000)).createRollout;
    expect(dry.rollout).toBeNull();
    expect(dry.dryRun).toMatchObject({ targeted: 12, offline: 0 });
    expect((await q('{ rollouts { id } }')).rollouts).toEqual([]); // nothing was created

    const { rollout } = (await q(mutation, { input })).createRollout;
    const client = subscriptionClient(url, key);
    const events: any[] = [];
    const done = new Promise<void>((resolve) =>
      client.subscribe(
        { query: 'subscription($id: ID!) { rolloutProgress(rolloutId: $id) { status currentWave progress { targeted succeeded failed queued inProgress } } }', variables: { id: rollout.id } },
        { next: (v) => { events.push(v.data?.rolloutProgress); if (['COMPLETED', 'ABORTED'].includes((v.data?.rolloutProgress as any)?.status)) resolve(); }, error: () => resolve(), complete: () => resolve() },
      ),
    );
    await Promise.race([done, new Promise((r) => setTimeout(r, 120_000))]);
    await client.dispose();
    const last = events.at(-1);
    expect(last).toMatchObject({ status: 'COMPLETED', progress: { targeted: 12, succeeded: 12, failed: 0 } });
    expect(last.currentWave).toBe(2); // waves of 2, 4, 8 (the last one partly filled)
    expect(new Set(events.map((e) => e.progress.succeeded)).size).toBeGreaterThan(2); // progress arrived as it happened

    const devices = await q('{ devices(first: 50, filter: {nameContains: "wave-"}) { edges { node { currentSoftware } } } }');
    expect(devices.devices.edges.map((e: any) => e.node.currentSoftware)).toEqual(Array(12).fill('5.1.3'));
  });

  it('aborts a rollout once too many jobs fail, and cancels the jobs not started', async () => {
    const fleet = startApp('edge-agent', { EDGEFLEET_API_KEY: key, API_PORT: env.API_PORT, DATA_DIR: env.DATA_DIR }, ['--devices', '8', '--prefix', 'flaky', '--churn', '0', '--job-step-ms', '50', '--job-failure-rate', '1'], 'fleet.main.ts');
    stack.running.push(fleet);
    await waitForOutput(fleet, /fleet ready: 8 devices/, 90_000);
    // Every device ONLINE first: a wave whose devices all look offline counts as settled, and the next one would start.
    await until(() => q('{ devices(first: 50, filter: {nameContains: "flaky-"}) { edges { node { deviceConnectionStatus } } } }'), (d) => d.devices.edges.length === 8 && d.devices.edges.every((e: any) => e.node.deviceConnectionStatus === 'ONLINE'));
    const created = await q('mutation($input: CreateRolloutInput!) { createRollout(input: $input) { rollout { id } } }', {
      input: { name: 'flaky-ota', jobType: 'OTA', deviceJobConfig: { otaJobConfig: { imageVersion: '5.1.3', allowMajorVersionUpdate: true } }, target: { filter: { nameContains: 'flaky-' } }, waves: { initialSize: 4, growthFactor: 1 }, abortConfig: { failurePercent: 50, minExecutedForAbort: 2 } },
    });
    const id = created.createRollout.rollout.id;
    const ended = await until(() => q('query($id: ID!) { rollout(id: $id) { status statusReason progress { targeted failed canceled succeeded queued inProgress } } }', { id }), (d) => d.rollout.status === 'ABORTED');
    expect(ended.rollout).toMatchObject({ status: 'ABORTED', statusReason: expect.stringMatching(/failed or timed out \(threshold 50%\)/) });
    const p = ended.rollout.progress;
    expect(p.succeeded).toBe(0);
    expect(p.failed).toBeGreaterThanOrEqual(2);
    expect(p.failed + p.canceled + p.inProgress).toBeLessThanOrEqual(4); // the second wave never started
    expect(p.queued).toBe(0);
  });

  it('pauses, resumes and cancels a rollout; a maintenance window holds it back; refusals are precise', async () => {
    const create = (input: object) => gql(url, key, 'mutation($input: CreateRolloutInput!) { createRollout(input: $input) { rollout { id status } } }', { input });
    const base = { name: 'night-reboot', jobType: 'REBOOT', target: { tags: [{ key: 'simulated' }] }, waves: { initialSize: 5, growthFactor: 2 } };
    // A window that opens on 1 January at 03:00 only: the rollout waits.
    const { data } = await create({ ...base, maintenanceWindow: { cron: '0 3 1 1 *', durationMinutes: 60, timezone: 'Europe/Berlin' } });
    const id = data!.createRollout.rollout.id;
    await new Promise((r) => setTimeout(r, 1000));
    expect((await q('query($id: ID!) { rollout(id: $id) { status progress { queued } } }', { id })).rollout).toEqual({ status: 'PENDING', progress: { queued: 0 } });
    expect((await q('mutation($id: ID!) { pauseRollout(id: $id) { status } }', { id })).pauseRollout.status).toBe('PAUSED');
    expect(codeOf(await gql(url, key, 'mutation($id: ID!) { pauseRollout(id: $id) { status } }', { id }))).toBe('CONFLICT');
    expect((await q('mutation($id: ID!) { resumeRollout(id: $id) { status } }', { id })).resumeRollout.status).toBe('IN_PROGRESS');
    expect((await q('mutation($id: ID!) { cancelRollout(id: $id) { status } }', { id })).cancelRollout.status).toBe('CANCELED');
    expect(codeOf(await gql(url, key, 'mutation($id: ID!) { resumeRollout(id: $id) { status } }', { id }))).toBe('CONFLICT');

    expect(codeOf(await create({ ...base, name: 'night-reboot' }))).toBe('CONFLICT');
    expect(codeOf(await create({ ...base, name: 'x1', waves: { initialSize: 0, growthFactor: 2 } }))).toBe('VALIDATION_FAILED');
    expect(codeOf(await create({ ...base, name: 'x2', target: {} }))).toBe('VALIDATION_FAILED');
    expect(codeOf(await create({ ...base, name: 'x3', maintenanceWindow: { start: '25:00', end: '04:00' } }))).toBe('VALIDATION_FAILED');
    expect(codeOf(await create({ ...base, name: 'x4', maintenanceWindow: { cron: 'not a cron at all', durationMinutes: 5 } }))).toBe('VALIDATION_FAILED');
    expect(codeOf(await create({ ...base, name: 'x5', jobType: 'OTA', deviceJobConfig: { otaJobConfig: { imageVersion: '7.0.0' } } }))).toBe('NOT_FOUND');
    expect(codeOf(await gql(url, key, 'query { rollout(id: "not-a-uuid") { id } }'))).toBe('NOT_FOUND');
  });
});
