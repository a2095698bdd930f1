import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Config } from '@edgefleet/config';
import { DomainError, notFound } from '@edgefleet/domain';
import { loadOrCreateKeyFile } from '@edgefleet/runtime';
import type { SecretRepository } from './secret.repository';
import { type SecretMetadata, SecretStore, assertSecretName } from './secret.store';

const IV_BYTES = 12;
const TAG_BYTES = 16;

interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  authTag: Uint8Array<ArrayBuffer>;
  ciphertext: Uint8Array<ArrayBuffer>;
}

function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, authTag: cipher.getAuthTag(), ciphertext };
}

function open(key: Uint8Array, { iv, authTag, ciphertext }: Sealed, aad: Uint8Array): Buffer {
  // A fixed tag length, so a truncated tag is refused rather than checked on fewer bytes.
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES }).setAAD(aad);
  decipher.setAuthTag(authTag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/**
 * Secrets in Postgres under envelope encryption: each write gets a fresh data key
 * (so no two rows share a key and IVs never repeat under one key), and only that
 * data key is encrypted with the master key. The organization and name are the
 * AAD of both layers, so a row copied to another name or organization does not open.
 */
export class LocalSecretStore extends SecretStore {
  constructor(
    private readonly secrets: SecretRepository,
    private readonly masterKey: Buffer,
  ) {
    super();
    if (masterKey.length !== 32) throw new Error('The secret store master key must be 32 bytes.');
  }

  async put(organizationId: string, name: string, value: Record<string, string>): Promise<SecretMetadata> {
    assertSecretName(name);
    const aad = associatedData(organizationId, name);
    const dataKey = randomBytes(32);
    try {
      const sealed = seal(dataKey, Buffer.from(JSON.stringify(value)), aad);
      const key = seal(this.masterKey, dataKey, aad);
      return await this.secrets.put(organizationId, name, { ...sealed, wrappedKey: Buffer.concat([key.iv, key.authTag, key.ciphertext]) });
    } finally {
      dataKey.fill(0);
    }
  }

  async get(organizationId: string, name: string): Promise<Record<string, string>> {
    assertSecretName(name);
    const row = await this.secrets.find(organizationId, name);
    if (!row) throw notFound('Secret', name);
    const aad = associatedData(organizationId, name);
    const wrapped = Buffer.from(row.wrappedKey);
    const key = { iv: wrapped.subarray(0, IV_BYTES), authTag: wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES), ciphertext: wrapped.subarray(IV_BYTES + TAG_BYTES) };
    const dataKey = attempt(
      name,
      'its data key does not unwrap: SECRETS_MASTER_KEY (or DATA_DIR/secrets.key) is not the key it was written with, or the row was moved to another name or organization',
      () => open(this.masterKey, key, aad),
    );
    try {
      const plaintext = attempt(name, 'its ciphertext was altered', () => open(dataKey, row, aad));
      return JSON.parse(plaintext.toString('utf8')) as Record<string, string>;
    } finally {
      dataKey.fill(0);
    }
  }

  async describe(organizationId: string, name: string): Promise<SecretMetadata | undefined> {
    assertSecretName(name);
    return (await this.secrets.metadata(organizationId, name)) ?? undefined;
  }

  async delete(organizationId: string, name: string): Promise<void> {
    assertSecretName(name);
    await this.secrets.delete(organizationId, name);
  }
}

// JSON keeps the pair unambiguous (no "a/b" + "c" vs "a" + "b/c").
const associatedData = (organizationId: string, name: string) => Buffer.from(JSON.stringify(['edgefleet-secret', organizationId, name]));

function attempt<T>(name: string, why: string, decrypt: () => T): T {
  try {
    return decrypt();
  } catch {
    // The crypto error says nothing useful, and the message must never carry key or value bytes.
    throw new DomainError('SECRET_UNREADABLE', `Secret ${name} cannot be decrypted: ${why}.`, { name });
  }
}

/**
 * SECRETS_MASTER_KEY, or a key generated once into DATA_DIR/secrets.key. The file
 * only works when every api and worker shares DATA_DIR; losing it loses every secret.
 */
export function loadMasterKey(config: Pick<Config, 'SECRETS_MASTER_KEY' | 'DATA_DIR'>): Buffer {
  if (config.SECRETS_MASTER_KEY) return Buffer.from(config.SECRETS_MASTER_KEY, 'base64');
  const file = path.resolve(config.DATA_DIR, 'secrets.key');
  const key = Buffer.from(loadOrCreateKeyFile(file, (bytes) => bytes.toString('base64')), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key: restore it, or set SECRETS_MASTER_KEY to the key the secrets were written with.`);
  return key;
}
