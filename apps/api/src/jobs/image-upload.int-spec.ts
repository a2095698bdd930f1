import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dataOf, freePort, gql, newOrganization, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

/** A request body sent in two halves, the second only once `release` resolves. */
function slowBody(content: Buffer, release: Promise<void>, started: () => void): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (sent === 0) {
        controller.enqueue(content.subarray(0, content.length / 2));
        sent = 1;
        started();
        return;
      }
      await release;
      controller.enqueue(content.subarray(content.length / 2));
      controller.close();
    },
  });
}

describe('software image uploads', () => {
  let api: RunningApi;
  let org: TestOrganization;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'edgefleet-uploads-'));
    api = await startApi({ API_PORT: String(await freePort()), DATA_DIR: dataDir });
    org = await newOrganization(api);
  });
  afterAll(() => api.app.close());

  it('of two different files PUT at once on one URL, keep the winner only: the loser gets 409 and leaves nothing on disk', async () => {
    dataOf(await gql(api.url, org.adminKey, 'mutation { registerSoftwareImage(input: {version: "6.0.1"}) { id } }'));
    const { url } = dataOf(await gql(api.url, org.adminKey, 'mutation { createUploadUrl(version: "6.0.1") { url } }')).createUploadUrl;
    // Content of this run only: a file some other image (of any run) records is kept, as it should be.
    const files = [randomBytes(256 * 1024), randomBytes(256 * 1024)];
    // Both uploads are half written before either finishes: they really overlap.
    let release!: () => void;
    const go = new Promise<void>((r) => (release = r));
    let halfway = 0;
    const started = () => ++halfway === 2 && setTimeout(release, 100);
    const responses = await Promise.all(
      files.map((f) =>
        fetch(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: slowBody(f, go, started), duplex: 'half' } as RequestInit),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect([...statuses].sort()).toEqual([200, 409]);

    const winner = files[statuses.indexOf(200)];
    const digest = createHash('sha256').update(winner).digest('hex');
    const image = dataOf(await gql(api.url, org.adminKey, '{ softwareImages { version sha256 size } }')).softwareImages;
    expect(image).toEqual([{ version: '6.0.1', sha256: digest, size: winner.length }]);
    // Only the winner's file: no losing blob, no temporary file.
    expect(readdirSync(path.join(dataDir, 'images'))).toEqual([digest]);
  });
});
