import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type { Config } from '@edgefleet/config';
import { loadOrCreateKeyFile } from '@edgefleet/runtime';

/** What temporary credentials stand for: a thing of an organization, through a role alias, until when. */
export interface SessionClaims {
  organizationId: string;
  thingName: string;
  roleAliasId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** The credentials provider's answer, AWS STS's shape. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** AWS's temporary access key ids start ASIA. */
export const isSessionAccessKeyId = (id: string) => /^ASIA[A-Z2-7]{16}$/.test(id);

/**
 * Temporary credentials without a row per issue: the session token carries its claims and an
 * HMAC over them, and the secret access key is an HMAC of the access key id, so any gateway
 * issues and any api process checks them with the shared key (CREDENTIALS_SIGNING_KEY, or one
 * generated into DATA_DIR). The token cannot be altered, nor used with another access key id.
 */
export class SessionCredentials {
  private readonly key: Buffer;

  constructor(config: Config) {
    this.key = config.CREDENTIALS_SIGNING_KEY
      ? Buffer.from(config.CREDENTIALS_SIGNING_KEY)
      : Buffer.from(loadOrCreateKeyFile(path.resolve(config.DATA_DIR, 'credentials-signing.key'), (b) => b.toString('hex')));
  }

  issue(claims: SessionClaims): TemporaryCredentials {
    const bytes = randomBytes(16);
    const accessKeyId = `ASIA${[...bytes].map((b) => BASE32[b & 31]).join('')}`;
    const body = Buffer.from(JSON.stringify({ o: claims.organizationId, t: claims.thingName, a: claims.roleAliasId, e: claims.expiresAt, k: accessKeyId })).toString('base64url');
    return { accessKeyId, secretAccessKey: this.secretOf(accessKeyId), sessionToken: `${body}.${this.mac('token', body)}`, expiration: new Date(claims.expiresAt) };
  }

  /** The claims of a session token issued with this access key id, or undefined when it is not one of ours (altered, or another key's). */
  read(accessKeyId: string, sessionToken: string): SessionClaims | undefined {
    const [body, mac, extra] = sessionToken.split('.');
    if (!body || !mac || extra !== undefined) return undefined;
    const expected = Buffer.from(this.mac('token', body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const c = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { o: string; t: string; a: string; e: number; k: string };
    if (c.k !== accessKeyId) return undefined;
    return { organizationId: c.o, thingName: c.t, roleAliasId: c.a, expiresAt: c.e };
  }

  secretOf(accessKeyId: string): string {
    return this.mac('secret', accessKeyId).slice(0, 40);
  }

  private mac(purpose: string, data: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\n${data}`).digest('base64url');
  }
}
