import { createHmac, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type { Config } from '@edgefleet/config';
import { type Clock, loadOrCreateKeyFile } from '@edgefleet/runtime';

/** Where signed URLs point: API_PUBLIC_URL, or the api's own address. */
export const publicBaseUrl = (config: Config) => (config.API_PUBLIC_URL ?? `http://${config.API_HOST}:${config.API_PORT}`).replace(/\/$/, '');

/** The longest URL the signer makes for a path (an expiry of 10 digits, a 43-character signature), for size budgets. */
export const longestSignedUrl = (config: Config, pathname: string) => `${publicBaseUrl(config)}${pathname}?expires=${'9'.repeat(10)}&signature=${'x'.repeat(43)}`;

/**
 * Short-lived signed URLs for artifact uploads and downloads (software images, package
 * assets): HMAC-SHA256 over the method, the path and the expiry. Every api, worker and
 * gateway process signs and checks with the same key (URL_SIGNING_KEY, or one generated
 * into DATA_DIR).
 */
export class UrlSigner {
  private readonly key: Buffer;
  readonly baseUrl: string;

  constructor(
    config: Config,
    private readonly clock: Clock,
  ) {
    this.key = config.URL_SIGNING_KEY ? Buffer.from(config.URL_SIGNING_KEY) : Buffer.from(loadOrCreateKeyFile(path.resolve(config.DATA_DIR, 'url-signing.key'), (b) => b.toString('hex')));
    this.baseUrl = publicBaseUrl(config);
  }

  sign(method: 'GET' | 'PUT', pathname: string, ttlSeconds: number): { url: string; expiresAt: Date } {
    const expires = Math.floor(this.clock.now().getTime() / 1000) + ttlSeconds;
    const signature = this.signature(method, pathname, expires);
    return { url: `${this.baseUrl}${pathname}?expires=${expires}&signature=${signature}`, expiresAt: new Date(expires * 1000) };
  }

  /** Why a request's signature is refused, or undefined when it is valid and unexpired. */
  refusal(method: string, pathname: string, query: { expires?: string; signature?: string }): string | undefined {
    const now = this.clock.now().getTime();
    const expires = Number(query.expires);
    if (!query.signature || !Number.isInteger(expires)) return 'The URL is not signed.';
    const expected = Buffer.from(this.signature(method, pathname, expires));
    const given = Buffer.from(query.signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'The URL signature is invalid.';
    if (expires * 1000 < now) return 'The URL has expired; ask for a new one.';
    return undefined;
  }

  private signature(method: string, pathname: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${method}\n${pathname}\n${expires}`).digest('base64url');
  }
}
