import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dataOf, gql } from './graphql-client';

export const PANORAMA_FIXTURES = path.join(__dirname, '../fixtures/panorama');
export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Uploads a package file (an asset, descriptor or manifest) by its SHA-256, unless it is there already. */
export async function uploadPackageFile(baseUrl: string, key: string, packageId: string, file: Buffer): Promise<void> {
  const r = dataOf(await gql(baseUrl, key, 'mutation($p: String!, $s: String!, $n: Float!) { createPackageAssetUploadUrl(packageId: $p, sha256: $s, sizeBytes: $n) { url alreadyUploaded } }', { p: packageId, s: sha256(file), n: file.length })).createPackageAssetUploadUrl;
  if (r.alreadyUploaded) return;
  const res = await fetch(r.url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: file });
  if (res.status !== 200) throw new Error(`upload of ${sha256(file)} answered ${res.status}: ${await res.text()}`);
}

/**
 * Registers a patch of SAMPLE_CODE `version` whose code asset is a fixture folder (an
 * application.py for the process runtime), as panorama-cli package-application would. Returns the patch.
 */
export async function publishSampleCode(baseUrl: string, key: string, workDir: string, packageId: string, folder: string, version = '1.0'): Promise<string> {
  const archive = path.join(workDir, `${folder}-${version}.tar.gz`);
  execFileSync('tar', ['-czf', archive, '-C', path.join(PANORAMA_FIXTURES, folder), 'application.py']);
  const code = readFileSync(archive);
  const descriptor = readFileSync(path.join(PANORAMA_FIXTURES, 'SAMPLE_CODE.descriptor.json'));
  const manifest = Buffer.from(
    readFileSync(path.join(PANORAMA_FIXTURES, 'SAMPLE_CODE.package.json'), 'utf8')
      .replace('<code_asset>', sha256(code))
      .replace('<code_descriptor>', sha256(descriptor))
      .replace('"version": "1.0"', `"version": "${version}"`)
      .replace('Computer vision application code.', `Code from ${folder}`),
  );
  for (const f of [code, descriptor, manifest]) await uploadPackageFile(baseUrl, key, packageId, f);
  const registered = dataOf(await gql(baseUrl, key, 'mutation($p: String!, $pv: String!, $v: String!) { registerPackageVersion(input: {packageId: $p, packageVersion: $pv, patchVersion: $v, markLatest: true}) { status } }', { p: packageId, pv: version, v: sha256(manifest) })).registerPackageVersion;
  if (registered.status !== 'REGISTER_COMPLETED') throw new Error(`SAMPLE_CODE ${version} did not register: ${registered.status}`);
  return sha256(manifest);
}
