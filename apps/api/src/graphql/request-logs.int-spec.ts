import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UrlSigner } from '@edgefleet/artifacts';
import { type AppProcess, TEST_DATABASE_URL, dataOf, freePort, gql, startApp, testConfig, uniqueName, waitForOutput } from '@edgefleet/e2e-support';
import { SystemClock } from '@edgefleet/runtime';

jest.setTimeout(60_000);

/** The api as a process, logging everything (trace): its output must hold no credential, and a 404 is no error. */
describe('the api logs', () => {
  let api: AppProcess;
  let url: string;
  const key = `efk_${randomBytes(24).toString('base64url')}`;
  const signingKey = randomBytes(32).toString('hex');

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    api = startApp('api', {
      DATABASE_URL: TEST_DATABASE_URL,
      API_PORT: String(port),
      LOG_LEVEL: 'trace',
      REDIS_PREFIX: uniqueName('logs'),
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'edgefleet-logs-')),
      URL_SIGNING_KEY: signingKey,
      EDGEFLEET_DEFAULT_ORGANIZATION: uniqueName('org'),
      EDGEFLEET_BOOTSTRAP_API_KEY: key,
      RATE_LIMIT_MUTATIONS_PER_SECOND: '100',
    });
    await waitForOutput(api, /GraphiQL/);
  });
  afterAll(() => api.stop());

  it('never show a download signature or an API key, and log an unknown route at info without a stack', async () => {
    // A real image upload and download through their signed URLs.
    await gql(url, key, 'mutation { registerSoftwareImage(input: {version: "7.0.1"}) { id } }');
    const upload: string = dataOf(await gql(url, key, 'mutation { createUploadUrl(version: "7.0.1") { url } }')).createUploadUrl.url;
    const put = await fetch(upload, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: 'image bytes' });
    const { sha256 } = (await put.json()) as { sha256: string };
    const signer = new UrlSigner(testConfig({ URL_SIGNING_KEY: signingKey, API_PUBLIC_URL: url }), new SystemClock());
    const download = signer.sign('GET', `/images/download/${sha256}`, 3600).url;
    expect((await fetch(download)).status).toBe(200);

    // Unknown routes, unauthenticated, carrying that still-valid signature, a key, an authorization header.
    const query = new URL(download).search;
    expect((await fetch(`${url}/images/downloads/${sha256}${query}&signature=again&apiKey=${key}`)).status).toBe(404);
    expect((await fetch(`${url}/no/such/route`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
    expect((await gql(url, 'efk_not-a-key-but-still-secret', '{ devices(first: 1) { totalCount } }')).status).toBe(401);
    await new Promise((r) => setTimeout(r, 500)); // pino writes asynchronously

    const out = api.output();
    const secrets = [new URL(download).searchParams.get('signature')!, new URL(upload).searchParams.get('signature')!, key.slice(4), 'not-a-key-but-still-secret', 'signature=again'];
    expect(secrets.filter((s) => out.includes(s))).toEqual([]);

    const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg?: string });
    const strays = lines.filter((l) => /images\/downloads|no\/such\/route/.test(JSON.stringify(l)));
    expect(strays.length).toBeGreaterThan(0);
    expect(strays.filter((l) => l.level > 30 || JSON.stringify(l).includes('stack'))).toEqual([]);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
