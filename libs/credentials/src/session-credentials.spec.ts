import { loadConfig } from '@edgefleet/config';
import { SessionCredentials, isSessionAccessKeyId } from './session-credentials';

const config = (key: string) => loadConfig({ DATABASE_URL: 'postgresql://x@127.0.0.1/x', CREDENTIALS_SIGNING_KEY: key });

describe('temporary credentials', () => {
  const sessions = new SessionCredentials(config('k'.repeat(32)));
  const claims = { organizationId: '5a1b2c3d-0000-4000-8000-000000000000', thingName: 'device-aaaa', roleAliasId: '6a1b2c3d-0000-4000-8000-000000000000', expiresAt: 1_900_000_000_000 };

  it('carries its claims in the session token, bound to its access key id, with a secret any process with the key works out', () => {
    const c = sessions.issue(claims);
    expect(isSessionAccessKeyId(c.accessKeyId)).toBe(true);
    expect(c.expiration).toEqual(new Date(claims.expiresAt));
    expect(sessions.read(c.accessKeyId, c.sessionToken)).toEqual(claims);
    expect(new SessionCredentials(config('k'.repeat(32))).secretOf(c.accessKeyId)).toBe(c.secretAccessKey);
    expect(sessions.issue(claims).accessKeyId).not.toBe(c.accessKeyId);
  });

  it('takes no token altered, of another access key, or of another key', () => {
    const c = sessions.issue(claims);
    const [body, mac] = c.sessionToken.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), t: 'device-bbbb' })).toString('base64url');
    expect(sessions.read(c.accessKeyId, `${forged}.${mac}`)).toBeUndefined();
    expect(sessions.read(sessions.issue(claims).accessKeyId, c.sessionToken)).toBeUndefined();
    expect(new SessionCredentials(config('o'.repeat(32))).read(c.accessKeyId, c.sessionToken)).toBeUndefined();
    expect(sessions.read(c.accessKeyId, 'not-a-token')).toBeUndefined();
  });
});
