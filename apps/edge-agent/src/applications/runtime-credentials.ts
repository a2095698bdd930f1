import { request } from 'node:https';
import type { RuntimeRole } from '@edgefleet/contracts';
import type { DeviceIdentity } from '../identity.store';

/** What a code node gets through panoramasdk: temporary credentials of its runtime role, and where they are for. */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601. */
  expiration: string;
  thingName: string;
  s3Endpoint: string;
}

/** Credentials are fetched again once less than this share of their lifetime (and a minute at least) is left. */
const REFRESH_SHARE = 0.2;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The device's side of AWS IoT's credentials provider: its certificate exchanged (mutual TLS,
 * `x-amzn-iot-thingname`) for temporary credentials of a role alias, kept in memory only and
 * fetched again before they expire; requests for the same alias at once share one fetch.
 */
export class RuntimeCredentials {
  private readonly cache = new Map<string, Promise<{ credentials: RoleCredentials; refreshAt: number }>>();

  constructor(private readonly identity: Pick<DeviceIdentity, 'thingName' | 'certificatePem' | 'privateKeyPem' | 'rootCaPem'>) {}

  async get(role: RuntimeRole): Promise<RoleCredentials> {
    const key = `${role.credentialsProvider}/${role.roleAlias}`;
    const cached = this.cache.get(key);
    const hit = cached && (await cached.catch(() => undefined));
    if (hit && hit.refreshAt > Date.now()) return hit.credentials;
    const fetching = this.fetch(role);
    this.cache.set(key, fetching);
    fetching.catch(() => this.cache.get(key) === fetching && this.cache.delete(key));
    return (await fetching).credentials;
  }

  private fetch(role: RuntimeRole): Promise<{ credentials: RoleCredentials; refreshAt: number }> {
    const url = new URL(`/role-aliases/${encodeURIComponent(role.roleAlias)}/credentials`, role.credentialsProvider);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: 'GET', cert: this.identity.certificatePem, key: this.identity.privateKeyPem, ca: this.identity.rootCaPem, headers: { 'x-amzn-iot-thingname': this.identity.thingName }, timeout: REQUEST_TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let body: { credentials?: Omit<RoleCredentials, 'thingName' | 's3Endpoint'>; message?: string };
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              return reject(new Error(`the credentials provider answered HTTP ${res.statusCode} without JSON`));
            }
            if (res.statusCode !== 200 || !body.credentials) return reject(new Error(`the credentials provider refused role alias ${role.roleAlias}: HTTP ${res.statusCode} ${body.message ?? ''}`.trim()));
            const expires = Date.parse(body.credentials.expiration);
            const lifetime = expires - Date.now();
            resolve({ credentials: { ...body.credentials, thingName: this.identity.thingName, s3Endpoint: role.s3Endpoint }, refreshAt: expires - Math.max(60_000, lifetime * REFRESH_SHARE) });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer from the credentials provider at ${url.origin} within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('error', (err) => reject(new Error(`cannot reach the credentials provider at ${url.origin}: ${err.message}`)));
      req.end();
    });
  }
}
