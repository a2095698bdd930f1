import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { dataOf, freePort, gql, newOrganization, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

const run = promisify(execFile);
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const BUCKET = 'edgefleet-packages';

/** The S3 (path-style, /s3) and STS (/sts) endpoints, driven by the aws CLI as panorama-cli drives it. */
describe('the S3 and STS endpoints of package files', () => {
  let api: RunningApi;
  let dir: string;
  const orgs: { org: TestOrganization; env: NodeJS.ProcessEnv; binaries: string; packageId: string }[] = [];

  /** `aws <args>`: stdout, or the CLI's error text (and its exit code). */
  async function aws(env: NodeJS.ProcessEnv, args: string[]): Promise<{ ok: boolean; out: string; code?: number }> {
    try {
      return { ok: true, out: (await run('aws', args, { env, cwd: dir, maxBuffer: 64 * 1024 * 1024 })).stdout };
    } catch (e) {
      const err = e as { stderr?: string; code?: number };
      return { ok: false, out: String(err.stderr ?? e), code: err.code };
    }
  }

  beforeAll(async () => {
    api = await startApi({ API_PORT: String(await freePort()) });
    dir = mkdtempSync(path.join(tmpdir(), 'edgefleet-s3-'));
    for (const name of ['a', 'b']) {
      const org = await newOrganization(api);
      const key = dataOf(await gql(api.url, org.adminKey, 'mutation { createAccessKey(input: {name: "cli", role: ADMIN}) { accessKeyId secretAccessKey } }')).createAccessKey;
      const env = {
        PATH: process.env.PATH,
        HOME: dir,
        AWS_ACCESS_KEY_ID: key.accessKeyId,
        AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_ENDPOINT_URL_PANORAMA: `${api.url}/panorama`,
        AWS_ENDPOINT_URL_S3: `${api.url}/s3`,
        AWS_ENDPOINT_URL_STS: `${api.url}/sts`,
      };
      const created = JSON.parse((await aws(env, ['panorama', 'create-package', '--package-name', `pkg-${name}`, '--output', 'json'])).out);
      orgs.push({ org, env, binaries: created.StorageLocation.BinaryPrefixLocation, packageId: created.PackageId });
    }
  });
  afterAll(() => api?.app.close());

  it("answers STS GetCallerIdentity with the organization's account id and the key", async () => {
    const [a] = orgs;
    const account = (await aws(a.env, ['sts', 'get-caller-identity', '--query', 'Account', '--output', 'text'])).out.trim();
    expect(account).toMatch(/^\d{12}$/);
    const identity = JSON.parse((await aws(a.env, ['sts', 'get-caller-identity', '--output', 'json'])).out);
    expect(identity).toMatchObject({ Account: account, Arn: expect.stringMatching(new RegExp(`^arn:aws:iam::${account}:user/edgefleet/`)), UserId: expect.any(String) });
    const wrong = await aws({ ...a.env, AWS_SECRET_ACCESS_KEY: 'not-the-secret' }, ['sts', 'get-caller-identity']);
    expect(wrong).toMatchObject({ ok: false, out: expect.stringMatching(/AccessDenied.*signature we calculated does not match/s) });
  });

  it('takes a 20 MB file in parts and a small one whole, each under the SHA-256 its key names, and reads them back', async () => {
    const [a] = orgs;
    const big = randomBytes(20 * 1000 * 1000);
    const bigFile = path.join(dir, 'big.tar.gz');
    writeFileSync(bigFile, big);
    const bigKey = `${a.binaries}/${sha256(big)}.tar.gz`;
    expect((await aws(a.env, ['s3api', 'head-object', '--bucket', BUCKET, '--key', bigKey])).out).toMatch(/\(404\).*Not Found/s);
    const cp = await aws(a.env, ['s3', 'cp', bigFile, `s3://${BUCKET}/${bigKey}`, '--acl', 'bucket-owner-full-control']);
    expect(cp).toMatchObject({ ok: true });
    expect(JSON.parse((await aws(a.env, ['s3api', 'head-object', '--bucket', BUCKET, '--key', bigKey, '--output', 'json'])).out)).toMatchObject({ ContentLength: big.length, ETag: `"${sha256(big)}"` });
    // The assembled file is the file: read back whole, and by range.
    const back = path.join(dir, 'back.tar.gz');
    expect((await aws(a.env, ['s3', 'cp', `s3://${BUCKET}/${bigKey}`, back])).ok).toBe(true);
    expect(sha256(readFileSync(back))).toBe(sha256(big));
    await aws(a.env, ['s3api', 'get-object', '--bucket', BUCKET, '--key', bigKey, '--range', 'bytes=100-199', path.join(dir, 'range')]);
    expect(readFileSync(path.join(dir, 'range'))).toEqual(big.subarray(100, 200));

    const descriptor = Buffer.from(JSON.stringify({ runtimeDescriptor: { envelopeVersion: '2021-01-01', entry: { path: 'python3', name: '/panorama/app.py' } } }));
    writeFileSync(path.join(dir, 'descriptor.json'), descriptor);
    const smallKey = `${a.binaries}/${sha256(descriptor)}.json`;
    expect((await aws(a.env, ['s3', 'cp', 'descriptor.json', `s3://${BUCKET}/${smallKey}`, '--acl', 'bucket-owner-full-control'])).ok).toBe(true);
    const listed = JSON.parse((await aws(a.env, ['s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', `${a.binaries}/`, '--output', 'json'])).out);
    expect(listed.Contents.map((c: { Key: string; Size: number }) => [c.Key, c.Size]).sort()).toEqual([[bigKey, big.length], [smallKey, descriptor.length]].sort());
    // The files are the package's: registration finds them (the import job reads the manifest by key too).
    const assets = dataOf(await gql(api.url, a.org.adminKey, 'query($p: String!) { package(packageId: $p) { assets { sha256 uploadedAt } } }', { p: a.packageId })).package.assets;
    expect(assets.map((x: { sha256: string }) => x.sha256).sort()).toEqual([sha256(big), sha256(descriptor)].sort());
  });

  it('refuses content that is not what its key names, keys of another organization, and wrong signatures', async () => {
    const [a, b] = orgs;
    const content = Buffer.from('{"a": 1}');
    writeFileSync(path.join(dir, 'other.json'), content);
    const claimed = sha256('something else');
    const mismatch = await aws(a.env, ['s3api', 'put-object', '--bucket', BUCKET, '--key', `${a.binaries}/${claimed}.json`, '--body', 'other.json']);
    expect(mismatch).toMatchObject({ ok: false, out: expect.stringMatching(/XAmzContentSHA256Mismatch.*names SHA-256/s) });
    expect((await aws(a.env, ['s3api', 'head-object', '--bucket', BUCKET, '--key', `${a.binaries}/${claimed}.json`])).out).toMatch(/\(404\)/);

    // B's key on A's package: denied, and nothing of A's is readable or listable.
    const key = `${a.binaries}/${sha256(content)}.json`;
    expect(await aws(b.env, ['s3api', 'put-object', '--bucket', BUCKET, '--key', key, '--body', 'other.json'])).toMatchObject({ ok: false, out: expect.stringMatching(/AccessDenied/) });
    expect((await aws(b.env, ['s3api', 'head-object', '--bucket', BUCKET, '--key', key])).out).toMatch(/\(403\)/);
    expect((await aws(b.env, ['s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', `${a.binaries}/`])).out).toMatch(/AccessDenied/);
    // Keys outside the packages' layout, and another bucket.
    expect((await aws(a.env, ['s3api', 'put-object', '--bucket', BUCKET, '--key', 'etc/passwd', '--body', 'other.json'])).out).toMatch(/AccessDenied.*packages\/<packageId>/s);
    expect((await aws(a.env, ['s3api', 'put-object', '--bucket', 'other-bucket', '--key', key, '--body', 'other.json'])).out).toMatch(/AccessDenied.*edgefleet-packages/s);
    // A wrong secret, a revoked-looking key id: refused before anything is stored.
    expect((await aws({ ...a.env, AWS_SECRET_ACCESS_KEY: 'wrong' }, ['s3api', 'put-object', '--bucket', BUCKET, '--key', key, '--body', 'other.json'])).out).toMatch(/AccessDenied.*signature/s);
    expect((await aws({ ...a.env, AWS_ACCESS_KEY_ID: 'EFAKAAAAAAAAAAAAAAAA' }, ['s3api', 'head-object', '--bucket', BUCKET, '--key', key])).out).toMatch(/\(403\)/);
    expect((await aws(a.env, ['s3api', 'head-object', '--bucket', BUCKET, '--key', key])).out).toMatch(/\(404\)/);
  });

  it('aborts a multipart upload, and refuses parts of one that is gone', async () => {
    const [a] = orgs;
    const key = `${a.binaries}/${sha256('never completed')}.tar.gz`;
    const { UploadId } = JSON.parse((await aws(a.env, ['s3api', 'create-multipart-upload', '--bucket', BUCKET, '--key', key, '--output', 'json'])).out);
    writeFileSync(path.join(dir, 'part'), 'part one');
    const part = JSON.parse((await aws(a.env, ['s3api', 'upload-part', '--bucket', BUCKET, '--key', key, '--part-number', '1', '--upload-id', UploadId, '--body', 'part', '--output', 'json'])).out);
    expect(part.ETag).toBe(`"${sha256('part one')}"`);
    // Completing with the content of another digest than the key's: refused, nothing stored.
    const parts = JSON.stringify({ Parts: [{ ETag: part.ETag, PartNumber: 1 }] });
    expect((await aws(a.env, ['s3api', 'complete-multipart-upload', '--bucket', BUCKET, '--key', key, '--upload-id', UploadId, '--multipart-upload', parts])).out).toMatch(/XAmzContentSHA256Mismatch/);
    expect((await aws(a.env, ['s3api', 'abort-multipart-upload', '--bucket', BUCKET, '--key', key, '--upload-id', UploadId])).ok).toBe(true);
    expect((await aws(a.env, ['s3api', 'upload-part', '--bucket', BUCKET, '--key', key, '--part-number', '2', '--upload-id', UploadId, '--body', 'part'])).out).toMatch(/NoSuchUpload/);
  });
});
