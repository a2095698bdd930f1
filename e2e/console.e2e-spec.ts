import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
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
 * fleet: sign in with an API key, find a device, open it, reboot it and watch the job complete
 * live; a VIEWER sees no button the api would refuse; nothing is loaded from outside.
 */
describe('the web console, in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
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
    stack = await startStack('console', { JOB_SWEEP_MS: '250' });
    const fleet = startApp('edge-agent', { EDGEFLEET_API_KEY: stack.key, API_PORT: stack.env.API_PORT, DATA_DIR: stack.env.DATA_DIR }, ['--devices', '3', '--prefix', 'dock', '--churn', '0', '--job-step-ms', '300', '--reboot-ms', '4000'], 'fleet.main.ts');
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
    await expectText(page.getByTestId('device-total'), /^3$/);
    await expectText(page.getByTestId('status-ONLINE'), /^3\s*ONLINE$/);
    await shot(page, '02-overview');

    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByLabel('Name contains').fill('dock-2');
    await expectText(page.locator('.filters'), /^.*1 devices$/);
    const row = page.locator('tbody tr', { hasText: 'dock-2' });
    expect(await page.locator('tbody tr').count()).toBe(1);
    await shot(page, '03-devices-filtered');

    await row.click();
    await expectText(page.getByRole('heading', { level: 1 }), /^dock-2\s*ONLINE$/);
    await expectText(page.getByTestId('connection'), /^ONLINE$/);
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
    await expectText(page.locator('pre.logs'), /syslog {2}connected; running software/);
    await page.close();
  });

  it('shows a VIEWER no button it would be refused', async () => {
    const viewer = dataOf(await gql(stack.url, stack.key, CreateApiKeyDocument, { input: { name: 'console-viewer', role: 'VIEWER' } })).createApiKey.secret;
    const page = await open();
    await signIn(page, viewer);
    await expectText(page.getByTestId('role'), /^VIEWER$/);
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.locator('tbody tr', { hasText: 'dock-1' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), /^dock-1/);
    expect(await page.getByRole('button', { name: 'Reboot' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Rollouts' }).click();
    await page.getByRole('heading', { name: 'Rollouts' }).waitFor();
    expect(await page.getByRole('button', { name: /Pause|Cancel/ }).count()).toBe(0);
    await shot(page, '07-viewer-device');
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
    while (Date.now() < deadline && !/"total":\s*3/.test(answer)) {
      await page.getByRole('button', { name: /Execute query/ }).click();
      await page.waitForTimeout(1_000);
      answer = (await page.locator('.result-window').textContent()) ?? '';
    }
    expect(answer).toMatch(/"total":\s*3/);
    await shot(page, '08-graphiql');
    await page.close();
  });

  it('loaded nothing from outside the installation', () => {
    expect(outside).toEqual([]);
  });
});

/** Waits until the element's text matches (Playwright's own expect is not Jest's). */
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
