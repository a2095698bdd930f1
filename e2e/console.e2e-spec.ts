import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { type Browser, type Page, chromium } from 'playwright-core';
import { CreateApiKeyDocument } from '@edgefleet/client';
import { ROOT, type Stack, dataOf, gql, startApp, startStack, waitForOutput } from './support';

jest.setTimeout(240_000);

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH for another. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of each step, kept as test artefacts. */
const SHOTS = path.join(ROOT, 'test-artifacts', 'console');

/**
 * The web console in a real browser, against every app as its own process and a simulated
 * fleet, at Panorama's default rates (5 requests and 1 mutation a second per key): sign in with an
 * API key, find a device, open it (one request), reboot it and watch the job complete live, update
 * its software, deploy an application to it and remove it, delete a device; a VIEWER sees no button
 * the api would refuse; nothing is loaded from outside.
 */
describe('the web console, in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  /** The test's own requests go with a key of their own: the console signed in with stack.key has its rates to itself. */
  let setupKey: string;
  const outside: string[] = [];

  const open = async (): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => {
      const { hostname, protocol } = new URL(r.url());
      if (hostname !== '127.0.0.1' && protocol !== 'data:' && protocol !== 'blob:') outside.push(r.url());
    });
    return page;
  };
  const signIn = async (page: Page, key: string) => {
    await page.goto(`${stack.url}/console/`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`);
    if (!existsSync(path.join(ROOT, 'dist/console/index.html'))) throw new Error('The console is not built: npm run console:build (npm install does it).');
    mkdirSync(SHOTS, { recursive: true });
    // The default rates: the console must live within them.
    stack = await startStack('console', { JOB_SWEEP_MS: '250', RATE_LIMIT_REQUESTS_PER_SECOND: '5', RATE_LIMIT_MUTATIONS_PER_SECOND: '1' });
    setupKey = dataOf(await gql(stack.url, stack.key, CreateApiKeyDocument, { input: { name: 'test-setup', role: 'ADMIN' } })).createApiKey.secret;
    const fleetKey = dataOf(await gql(stack.url, setupKey, CreateApiKeyDocument, { input: { name: 'fleet', role: 'OPERATOR' } })).createApiKey.secret;
    const fleet = startApp('edge-agent', { EDGEFLEET_API_KEY: fleetKey, API_PORT: stack.env.API_PORT, DATA_DIR: stack.env.DATA_DIR }, ['--devices', '3', '--prefix', 'dock', '--churn', '0', '--job-step-ms', '300', '--reboot-ms', '4000'], 'fleet.main.ts');
    stack.running.push(fleet);
    await waitForOutput(fleet, /fleet ready: 3 devices/, 90_000);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Without the background-networking flags Chromium keeps dialing Google on a closed network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      // (Playwright gives every launch a fresh, empty profile of its own.)
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in, finds a device, opens it, reboots it and shows the job complete live', async () => {
    const page = await open();
    await page.goto(`${stack.url}/console/`);
    await page.getByLabel('API key').fill('efk_not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), /UNAUTHENTICATED/);
    await shot(page, '01-sign-in-refused');

    await signIn(page, stack.key);
    await expectText(page.getByTestId('role'), /^ADMIN$/);
    // The account id manifests name packages by, in the header.
    await expectText(page.getByTestId('account'), /^Account \d{12}$/);
    await expectText(page.getByTestId('device-total'), /^3$/);
    await expectText(page.getByTestId('status-ONLINE'), /^3\s*ONLINE$/);
    await shot(page, '02-overview');

    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByLabel('Name contains').fill('dock-2');
    await expectText(page.locator('.filters'), /^.*1 devices$/);
    const row = page.locator('tbody tr', { hasText: 'dock-2' });
    expect(await page.locator('tbody tr').count()).toBe(1);
    await shot(page, '03-devices-filtered');

    // The device page is one request (its subscriptions ride one WebSocket).
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/graphql') && posts.push(r.postData() ?? ''));
    await row.click();
    await expectText(page.getByRole('heading', { level: 1 }), /^dock-2\s*ONLINE$/);
    await page.waitForTimeout(1_000);
    expect(posts.length).toBe(1);
    await expectText(page.getByTestId('connection'), /^ONLINE$/);
    // Its cameras as the streams report them (the simulated device's one camera streams).
    await expectText(page.locator('tbody tr', { hasText: /^camera-\d+-a/ }), /^camera-\d+-a\s*STREAMING/);
    await page.getByText('system shadow').click();
    await expectText(page.locator('details pre').first(), /"currentSoftware"/);
    await shot(page, '04-device');

    await page.getByRole('button', { name: 'Reboot' }).click();
    const job = page.locator('tbody tr', { hasText: 'REBOOT' });
    // The job's status follows the jobUpdated subscription, no reload (a simulated reboot takes 2–6 s).
    await expectText(job, /REBOOTING|IN_PROGRESS|PENDING/, 30_000);
    await shot(page, '05-rebooting');
    await expectText(job, /COMPLETED/, 60_000);
    await expectText(page.getByRole('heading', { level: 1 }), /^dock-2\s*ONLINE$/, 30_000);
    await expectText(page.getByTestId('connection'), /^ONLINE$/, 30_000);
    await shot(page, '06-reboot-completed');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expectText(page.locator('pre.logs'), /syslog {2}connected; running software/);
    expect(await page.getByText('RATE_LIMITED').count()).toBe(0);
    await page.close();
  });

  it('lists devices with their tags, filters by tag, and pages', async () => {
    // 22 more devices of the organization, written directly: 25 in all, two pages of 20. Those at the depot were provisioned and are offline.
    const db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    const { rows } = await db.query(`SELECT id FROM "Organization" WHERE name = $1`, [stack.env.EDGEFLEET_DEFAULT_ORGANIZATION]);
    for (let i = 0; i < 22; i++) {
      const depot = i % 2 === 0;
      await db.query(`INSERT INTO "Device" ("deviceId", "organizationId", name, tags, "provisioningStatus", "deviceConnectionStatus", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, now())`, [
        `device-${randomBytes(16).toString('hex').slice(0, 26).replace(/[018-9]/g, 'a')}`,
        rows[0].id,
        `spare-${i}`,
        JSON.stringify({ site: depot ? 'depot' : 'hq' }),
        depot ? 'SUCCEEDED' : 'AWAITING_PROVISIONING',
        depot ? 'OFFLINE' : 'AWAITING_CREDENTIALS',
      ]);
    }
    await db.end();
    const page = await open();
    await signIn(page, stack.key);
    await page.getByRole('link', { name: 'Devices' }).click();
    await expectText(page.locator('.filters'), /25 devices$/);
    expect(await page.locator('tbody tr').count()).toBe(20);
    await page.getByRole('button', { name: 'Next' }).click();
    // The first page's rows stay until the second page arrives: wait for its 5.
    expect(await rowCount(page, 5)).toBe(5);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.locator('tbody tr').nth(19).waitFor();
    await page.getByLabel('Tag').fill('site=hq');
    await expectText(page.locator('.filters'), /11 devices$/);
    await expectText(page.locator('tbody tr').first(), /site=hq/);
    await page.getByLabel('Tag').fill('simulated');
    await expectText(page.locator('.filters'), /3 devices$/);
    await shot(page, '07-devices-by-tag');
    await page.close();
  });

  it('updates a device, deploys an application to it and removes it, and deletes a device', async () => {
    // A software image to update to, uploaded as an operator would (the CLI's images upload).
    const image = dataOf(await gql(stack.url, setupKey, 'mutation { registerSoftwareImage(input: {version: "5.2.0"}) { version } createUploadUrl(version: "5.2.0") { url } }'));
    expect((await fetch(image.createUploadUrl.url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(1000) })).status).toBe(200);
    const page = await open();
    await signIn(page, stack.key);
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByLabel('Name contains').fill('dock-1');
    await page.locator('tbody tr', { hasText: 'dock-1' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), /^dock-1/);

    await page.getByRole('button', { name: 'Update software' }).click();
    await page.getByLabel('Software image').selectOption('5.2.0');
    await page.getByRole('button', { name: 'Start OTA to 5.2.0' }).click();
    const ota = page.locator('tbody tr', { hasText: 'OTA' });
    await expectText(ota, /COMPLETED/, 60_000);
    await expectText(page.locator('dl.fields'), /Software5\.2\.0/, 30_000);

    // An application (the HDMI output alone: nothing to upload), deployed from the device's page.
    await page.getByRole('button', { name: 'Deploy application' }).click();
    await page.getByLabel('Application name').fill('hdmi-only');
    await page.getByLabel('Manifest').fill(JSON.stringify({ nodeGraph: { envelopeVersion: '2021-01-01', packages: [{ name: 'panorama::hdmi_data_sink', version: '1.0' }], nodes: [{ name: 'output_node', interface: 'panorama::hdmi_data_sink.hdmi0' }], edges: [] } }));
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expectText(page.getByRole('heading', { level: 1 }), /^hdmi-only\s*DEPLOYMENT_SUCCEEDED/, 60_000);
    await expectText(page.getByText('On dock-1'), /dock-1/);
    await expectText(page.getByTestId('manifest'), /hdmi_data_sink/);
    await shot(page, '08-application');
    await page.getByRole('button', { name: 'Remove' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), /^hdmi-only\s*REMOVAL_SUCCEEDED/, 60_000);

    // Deleting asks first, then goes back to the list.
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByLabel('Name contains').fill('spare-0');
    await page.locator('tbody tr', { hasText: 'spare-0' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete spare-0' }).click();
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
    expect(await page.getByText('RATE_LIMITED').count()).toBe(0);
    await page.close();
  });

  it("shows each camera's interface with the account id, and a rollout's offline devices and canceled jobs", async () => {
    await gql(stack.url, setupKey, 'mutation { createNodeFromTemplateJob(input: {templateType: RTSP_CAMERA_STREAM, outputPackageName: "gate", outputPackageVersion: "1.0", nodeName: "gate", templateParameters: {username: "u", password: "p", streamUrl: "rtsp://10.1.1.1/live"}}) { jobId } }');
    // A reboot rollout over devices that never connect: their jobs wait, and the rollout is canceled.
    const rollout = dataOf(await gql(stack.url, setupKey, 'mutation { createRollout(input: {name: "spares", jobType: REBOOT, target: {tags: [{key: "site", value: "depot"}]}, waves: {initialSize: 10}}) { rollout { id } } }')).createRollout.rollout;
    const page = await open();
    await signIn(page, stack.key);
    await page.getByRole('link', { name: 'Cameras' }).click();
    const account = ((await page.getByTestId('account-id').textContent()) ?? '').trim();
    await expectText(page.locator('tbody tr', { hasText: 'gate' }), new RegExp(`${account}::gate\\.gate`));
    await page.getByRole('link', { name: 'Rollouts' }).click();
    const card = page.locator('article[data-rollout="spares"]');
    await expectText(card.getByTestId('offline'), /offline: their jobs wait for them until .*, then time out\./, 30_000);
    await card.getByRole('button', { name: 'Cancel' }).click();
    await expectText(card, /CANCELED/);
    expect(await card.locator('[data-segment="ok"]').count()).toBe(0);
    expect(await card.locator('[data-segment="muted"]').count()).toBe(1);
    await shot(page, '09-rollout-canceled');
    expect(rollout.id).toBeTruthy();
    await page.close();
  });

  it('offers Open tunnel with the command to run, and shows open tunnels with who opened them until one is closed', async () => {
    const operator = dataOf(await gql(stack.url, setupKey, CreateApiKeyDocument, { input: { name: 'tunnel-operator', role: 'OPERATOR' } })).createApiKey;
    const deviceId = dataOf(await gql(stack.url, setupKey, '{ devices(first: 1, filter: {nameContains: "dock-2"}) { edges { node { deviceId } } } }')).devices.edges[0].node.deviceId;
    const opened = dataOf(await gql(stack.url, operator.secret, 'mutation ($d: ID!) { openTunnel(input: {deviceId: $d, services: ["SSH"]}) { tunnel { tunnelId } } }', { d: deviceId })).openTunnel.tunnel;
    const page = await open();
    await signIn(page, stack.key);
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByLabel('Name contains').fill('dock-2');
    await page.locator('tbody tr', { hasText: 'dock-2' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), /^dock-2/);
    await page.getByRole('button', { name: 'Open tunnel' }).click();
    await expectText(page.getByTestId('tunnel-command'), new RegExp(`^edgefleet --endpoint ${stack.url} tunnel ${deviceId} --service SSH --local-port 2222$`));
    await expectText(page.getByTestId('ssh-command'), new RegExp(`ssh ${deviceId} --user <user>$`));
    const row = page.locator('tbody tr', { hasText: opened.tunnelId });
    await expectText(row, new RegExp(`SSH.*apiKey:${operator.apiKey.id}`));
    await shot(page, '10-device-tunnels');
    await page.getByRole('button', { name: `Close tunnel ${opened.tunnelId}` }).click();
    await expectText(page.getByText('No open tunnel.'), /No open tunnel/);
    expect(dataOf(await gql(stack.url, setupKey, 'query ($t: ID!) { tunnel(tunnelId: $t) { status } }', { t: opened.tunnelId })).tunnel.status).toBe('CLOSED');
    await page.close();
  });

  it("plays a device's camera clips, and a camera's", async () => {
    // A clip as a device puts it (here with an access key): 2 seconds of H.264.
    const deviceId = dataOf(await gql(stack.url, setupKey, '{ devices(first: 1, filter: {nameContains: "dock-1"}) { edges { node { deviceId } } } }')).devices.edges[0].node.deviceId;
    const key = dataOf(await gql(stack.url, setupKey, 'mutation { createAccessKey(input: {name: "clips", role: OPERATOR}) { accessKeyId secretAccessKey } }')).createAccessKey;
    const clip = path.join(stack.dir, 'console-clip.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
    execFileSync('aws', ['s3', 'cp', clip, `s3://edgefleet-clips/clips/${deviceId}/loading-bay/${Date.now()}.mp4`], {
      env: { PATH: process.env.PATH, HOME: stack.dir, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ENDPOINT_URL_S3: `${stack.url}/s3` },
    });
    const clipId = dataOf(await gql(stack.url, setupKey, 'query ($d: ID!) { clips(deviceId: $d) { edges { node { clipId } } } }', { d: deviceId })).clips.edges[0].node.clipId;
    const page = await open();
    await signIn(page, stack.key);
    await page.goto(`${stack.url}/console/#/devices/${deviceId}`);
    await expectText(page.locator('tbody tr', { hasText: 'loading-bay' }), /loading-bay.*KB.*apiKey:/);
    await page.getByRole('button', { name: `Play clip ${clipId}` }).click();
    // The player reads the clip (its signed URL): its length is the clip's.
    const player = page.getByTestId('clip-player');
    await player.waitFor();
    const media = await player.evaluate(
      (v: any) =>
        new Promise<{ error: number | null; duration: number }>((resolve) => {
          const done = () => resolve({ error: v.error?.code ?? null, duration: v.duration });
          if (v.readyState >= 1 || v.error) return done();
          v.addEventListener('loadedmetadata', done, { once: true });
          v.addEventListener('error', done, { once: true });
        }),
    );
    expect(media.error).toBeNull();
    expect(Math.abs(media.duration - 2)).toBeLessThan(0.2);
    await shot(page, '11-device-clip');
    // The camera's page has them too, by device.
    await gql(stack.url, setupKey, 'mutation { createNodeFromTemplateJob(input: {templateType: RTSP_CAMERA_STREAM, outputPackageName: "loading-bay", outputPackageVersion: "1.0", nodeName: "loading-bay", templateParameters: {username: "u", password: "p", streamUrl: "rtsp://10.1.1.2/live"}}) { jobId } }');
    await page.getByRole('link', { name: 'Cameras' }).click();
    await page.getByRole('button', { name: 'Clips of loading-bay' }).click();
    await expectText(page.locator('tbody tr', { hasText: deviceId }), new RegExp(`${deviceId}.*KB`));
    await page.getByRole('button', { name: `Play clip ${clipId}` }).click();
    await page.getByTestId('clip-player').waitFor();
    await shot(page, '12-camera-clips');
    await page.close();
  });

  it('makes a dynamic group, and shows a deployment to it on each member and which deployment owns each instance', async () => {
    const page = await open();
    await signIn(page, stack.key);
    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByLabel('Group name').fill('docks');
    await page.getByLabel('Query (empty: a static group)').fill('deviceName:dock-*');
    await page.getByRole('button', { name: 'Create group' }).click();
    // The worker evaluates the new query over the fleet: the three simulated docks, no spare.
    const row = page.locator('tbody tr', { hasText: 'docks' });
    await row.waitFor();
    // (The page reads the group once: reloaded until the worker's evaluation shows.)
    for (let i = 0; i < 60 && !/dynamic\s*3/.test((await row.textContent()) ?? ''); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      await page.reload();
      await row.waitFor();
    }
    await expectText(row, /docks\s*dynamic\s*3\s*deviceName:dock-\*/);
    const manifest = JSON.stringify({ nodeGraph: { envelopeVersion: '2021-01-01', packages: [{ name: 'panorama::hdmi_data_sink', version: '1.0' }], nodes: [{ name: 'output_node', interface: 'panorama::hdmi_data_sink.hdmi0' }], edges: [] } });
    dataOf(await gql(stack.url, setupKey, 'mutation($m: String!) { createDeployment(input: {deploymentName: "dock-screens", thingGroupName: "docks", manifestPayload: {payloadData: $m}}) { id } }', { m: manifest }));
    await page.goto(`${stack.url}/console/#/groups/deployments/dock-screens`);
    await expectText(page.getByRole('heading', { level: 1 }), /Deployment dock-screens\s*ACTIVE/);
    for (let i = 0; i < 60 && (await page.locator('tbody tr', { hasText: 'RUNNING' }).count()) < 3; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      await page.reload();
    }
    expect(await page.locator('tbody tr', { hasText: 'RUNNING' }).count()).toBe(3);
    await shot(page, '12-deployment');
    await page.getByRole('link', { name: 'Applications' }).click();
    await expectText(page.locator('tbody tr', { hasText: 'dock-screens' }), /dock-screens r1/);
    expect(await page.getByText('RATE_LIMITED').count()).toBe(0);
    await page.close();
  });

  it('shows a VIEWER no button it would be refused', async () => {
    const viewer = dataOf(await gql(stack.url, setupKey, CreateApiKeyDocument, { input: { name: 'console-viewer', role: 'VIEWER' } })).createApiKey.secret;
    const page = await open();
    await signIn(page, viewer);
    await expectText(page.getByTestId('role'), /^VIEWER$/);
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.locator('tbody tr', { hasText: 'dock-1' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), /^dock-1/);
    expect(await page.getByRole('button', { name: /Reboot|Delete|Update software|Deploy|Open tunnel|Close/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'Rollouts' }).click();
    await page.getByRole('heading', { name: 'Rollouts' }).waitFor();
    expect(await page.getByRole('button', { name: /Pause|Cancel/ }).count()).toBe(0);
    await shot(page, '11-viewer-device');
    await page.close();
  });

  it('serves GraphiQL from the bundle, signed in with the console’s key', async () => {
    const page = await open();
    await signIn(page, stack.key);
    await page.getByTestId('role').waitFor();
    await page.goto(`${stack.url}/graphiql`);
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    // The editor (Monaco, loaded with its workers) shows the default query once it is ready.
    await expectText(page.locator('.graphiql-query-editor'), /fleetSummary/, 30_000);
    // Run it until it answers: a click while GraphiQL still loads the schema may be dropped.
    const deadline = Date.now() + 30_000;
    let answer = '';
    while (Date.now() < deadline && !/"total":\s*24/.test(answer)) {
      await page.getByRole('button', { name: /Execute query/ }).click();
      await page.waitForTimeout(1_000);
      answer = (await page.locator('.result-window').textContent()) ?? '';
    }
    expect(answer).toMatch(/"total":\s*24/); // 3 simulated and 22 spare devices, one of them deleted
    await shot(page, '11-graphiql');
    await page.close();
  });

  it('loaded nothing from outside the installation', () => {
    expect(outside).toEqual([]);
  });
});

/** Waits until the element's text matches (Playwright's own expect is not Jest's). */
/** The rows of the page's tables once there are `n` of them (or how many there are after `timeout`). */
async function rowCount(page: Page, n: number, timeout = 15_000): Promise<number> {
  const deadline = Date.now() + timeout;
  while ((await page.locator('tbody tr').count()) !== n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return page.locator('tbody tr').count();
}

async function expectText(locator: ReturnType<Page['locator']>, pattern: RegExp, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = ((await locator.first().textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => '')) ?? '').trim();
    if (pattern.test(last)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected ${pattern} in ${locator}, last text: ${JSON.stringify(last)}`);
}
