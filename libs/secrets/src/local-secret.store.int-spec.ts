import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@edgefleet/config';
import { RuntimeModule } from '@edgefleet/runtime';
import { DbModule, PrismaService } from '@edgefleet/db';
import { AwsSecretStore } from './aws-secret.store';
import { SecretRepository } from './secret.repository';
import { LocalSecretStore } from './local-secret.store';
import { SecretStore } from './secret.store';
import { SecretsModule } from './secrets.module';

// The database the integration global setup migrated (e2e/support/test-env.ts; a port lib may not import e2e support).
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/edgefleet_test';
const password = 'hunter2-lobby-camera';
const value = { username: 'admin', password };

/** SecretsModule as an app imports it, over the real database. */
function start(env: Record<string, string>): Promise<INestApplicationContext> {
  const config = loadConfig({ DATABASE_URL, DATABASE_POOL_SIZE: '2', LOG_LEVEL: 'silent', ...env });
  const root: DynamicModule = {
    module: class SecretsTestModule {},
    imports: [RuntimeModule.forRoot(config), DbModule, SecretsModule],
  };
  return NestFactory.createApplicationContext(root, { logger: false });
}

describe('LocalSecretStore (Postgres)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edgefleet-secrets-'));
  const organizations: string[] = [];
  let app: INestApplicationContext;
  let prisma: PrismaService;
  let store: SecretStore;

  const newOrganization = async () => {
    const { id } = await prisma.organization.create({ data: { name: `secrets-${randomUUID().slice(0, 8)}`, accountId: String(randomInt(100_000_000_000, 999_999_999_999)) } });
    organizations.push(id);
    return id;
  };
  const row = (organizationId: string, name: string) => prisma.secret.findUniqueOrThrow({ where: { organizationId_name: { organizationId, name } } });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a rejection');
      },
      (err: Error & { code?: string }) => err,
    );

  beforeAll(async () => {
    app = await start({ DATA_DIR: dataDir });
    prisma = app.get(PrismaService);
    store = app.get(SecretStore);
  });
  afterAll(async () => {
    await prisma.organization.deleteMany({ where: { id: { in: organizations } } });
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is the default backend, with a master key generated once into DATA_DIR/secrets.key (0600) that a restart reuses', async () => {
    expect(store).toBeInstanceOf(LocalSecretStore);
    expect(statSync(path.join(dataDir, 'secrets.key')).mode & 0o777).toBe(0o600);
    const org = await newOrganization();
    await store.put(org, 'cameras/lobby', value);
    const restarted = await start({ DATA_DIR: dataDir });
    try {
      expect(await restarted.get(SecretStore).get(org, 'cameras/lobby')).toEqual(value);
    } finally {
      await restarted.close();
    }
  });

  it('SECRETS_BACKEND=aws provides the Secrets Manager store', async () => {
    const aws = await start({ DATA_DIR: dataDir, SECRETS_BACKEND: 'aws' });
    try {
      expect(aws.get(SecretStore)).toBeInstanceOf(AwsSecretStore);
    } finally {
      await aws.close();
    }
  });

  it('SECRETS_MASTER_KEY must be the base64 of 32 bytes', () => {
    expect(() => loadConfig({ SECRETS_MASTER_KEY: randomBytes(16).toString('base64') })).toThrow(/SECRETS_MASTER_KEY: must be the base64 of exactly 32 bytes/);
    expect(loadConfig({ SECRETS_MASTER_KEY: randomBytes(32).toString('base64') }).SECRETS_MASTER_KEY).toHaveLength(44);
  });

  it('round trip: put, get, and describe without the value', async () => {
    const org = await newOrganization();
    const put = await store.put(org, 'cameras/lobby', value);
    expect(put).toEqual({ name: 'cameras/lobby', createdAt: expect.any(Date), updatedAt: expect.any(Date) });
    expect(await store.get(org, 'cameras/lobby')).toEqual(value);
    expect(await store.describe(org, 'cameras/lobby')).toEqual(put);
    expect(await store.describe(org, 'cameras/yard')).toBeUndefined();
  });

  it('put replaces the value and moves updatedAt, keeping createdAt', async () => {
    const org = await newOrganization();
    const first = await store.put(org, 'cam', value);
    await new Promise((r) => setTimeout(r, 5));
    const second = await store.put(org, 'cam', { username: 'admin', password: 'rotated' });
    expect(await store.get(org, 'cam')).toEqual({ username: 'admin', password: 'rotated' });
    expect(second.createdAt).toEqual(first.createdAt);
    expect(second.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
  });

  it('stores only ciphertext: the plaintext bytes are nowhere in the row', async () => {
    const org = await newOrganization();
    await store.put(org, 'cam', value);
    const stored = await row(org, 'cam');
    const bytes = Buffer.concat([stored.ciphertext, stored.iv, stored.authTag, stored.wrappedKey]);
    expect(bytes.includes(Buffer.from(password))).toBe(false);
    expect(bytes.includes(Buffer.from(JSON.stringify(value)))).toBe(false);
    expect([stored.iv.length, stored.authTag.length, stored.wrappedKey.length]).toEqual([12, 16, 12 + 16 + 32]);
  });

  it('another organization cannot read, describe or delete it', async () => {
    const [a, b] = [await newOrganization(), await newOrganization()];
    await store.put(a, 'cam', value);
    expect(await failure(store.get(b, 'cam'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.describe(b, 'cam')).toBeUndefined();
    await store.delete(b, 'cam');
    expect(await store.get(a, 'cam')).toEqual(value);
  });

  it('a tampered or moved row does not decrypt, and the error says why without the value', async () => {
    const [a, b] = [await newOrganization(), await newOrganization()];
    await store.put(a, 'cam', value);
    const stored = await row(a, 'cam');
    const flipped = Buffer.from(stored.ciphertext);
    flipped[0] ^= 1;
    await prisma.secret.update({ where: { id: stored.id }, data: { ciphertext: flipped } });
    const tampered = await failure(store.get(a, 'cam'));
    expect(tampered).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/cannot be decrypted: its ciphertext was altered/) });
    expect(tampered.message).not.toContain(password);

    await store.put(a, 'cam', value);
    await prisma.secret.update({ where: { organizationId_name: { organizationId: a, name: 'cam' } }, data: { name: 'other-cam' } });
    expect(await failure(store.get(a, 'other-cam'))).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/moved to another name or organization/) });
    await prisma.secret.update({ where: { organizationId_name: { organizationId: a, name: 'other-cam' } }, data: { name: 'cam', organizationId: b } });
    expect(await failure(store.get(b, 'cam'))).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/moved to another name or organization/) });
  });

  it('a different master key cannot decrypt', async () => {
    const org = await newOrganization();
    await store.put(org, 'cam', value);
    const err = await failure(new LocalSecretStore(new SecretRepository(prisma), randomBytes(32)).get(org, 'cam'));
    expect(err).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/SECRETS_MASTER_KEY .* is not the key it was written with/) });
    expect(err.message).not.toContain(password);
  });

  it('delete is idempotent', async () => {
    const org = await newOrganization();
    await store.put(org, 'cam', value);
    await store.delete(org, 'cam');
    await store.delete(org, 'cam');
    await store.delete(org, 'never-existed');
    expect(await failure(store.get(org, 'cam'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.describe(org, 'cam')).toBeUndefined();
    expect(await prisma.secret.count({ where: { organizationId: org } })).toBe(0);
  });

  it('an invalid name is VALIDATION_FAILED, naming the character', async () => {
    const org = await newOrganization();
    expect(await failure(store.put(org, 'lobby camera', value))).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('" " is not allowed') });
    for (const name of ['', 'x'.repeat(257), 'cam#1']) {
      expect(await failure(store.get(org, name))).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await failure(store.describe(org, name))).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await failure(store.delete(org, name))).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });
});
