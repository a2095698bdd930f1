import { createHash, randomBytes } from 'node:crypto';
import { DomainError, validationFailed } from './errors';

export type TunnelSide = 'source' | 'destination';
export const TUNNEL_SIDES: readonly TunnelSide[] = ['source', 'destination'];

/** AWS's limits: 1 to 3 services, each `[a-zA-Z0-9:_-]{1,128}`; a lifetime of 1 to 720 minutes (720 when not given). */
export const MAX_TUNNEL_SERVICES = 3;
export const MAX_TUNNEL_MINUTES = 720;
const SERVICE_ID = /^[a-zA-Z0-9:_-]{1,128}$/;
/** What AWS accepts as a local proxy's client token. */
export const CLIENT_TOKEN = /^[a-zA-Z0-9-]{32,128}$/;

export function assertTunnelServices(services: readonly string[]): void {
  if (services.length < 1 || services.length > MAX_TUNNEL_SERVICES) throw validationFailed('services', `name 1 to ${MAX_TUNNEL_SERVICES} services (for example SSH), not ${services.length}.`);
  for (const s of services) if (!SERVICE_ID.test(s)) throw validationFailed('services', `${JSON.stringify(s.slice(0, 140))} is not a service id: 1 to 128 of a-z, A-Z, 0-9, ':', '_' and '-'.`);
  if (new Set(services).size !== services.length) throw validationFailed('services', 'each service may be named once.');
}

export function assertTunnelTimeout(minutes: number): void {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TUNNEL_MINUTES) throw validationFailed('timeoutMinutes', `a tunnel stays open 1 to ${MAX_TUNNEL_MINUTES} minutes (12 hours), not ${minutes}.`);
}

/** An access token: shown once, stored only as its SHA-256; the `eft_` prefix lets log redaction find one anywhere. */
export const newTunnelAccessToken = () => `eft_${randomBytes(32).toString('base64url')}`;
export const tunnelTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Tunnel ids are UUIDs, as AWS's are. */
export const isTunnelId = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export const tunnelArn = (region: string, accountId: string, tunnelId: string) => `arn:aws:iot:${region}:${accountId}:tunnel/${tunnelId}`;

/** Why a local proxy may not join a tunnel: each says what to do instead. The handshake answers 401 or 403 with it. */
export const tunnelRefused = (message: string) => new DomainError('TUNNEL_ACCESS_DENIED', message);
