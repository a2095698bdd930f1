import { GraphqlClient, type WhoAmIQuery } from '@edgefleet/client';

export type Role = WhoAmIQuery['whoami']['role'];

export interface Session {
  apiKey: string;
  role: Role;
  organizationId: string;
  /** The organization's 12-digit account id: manifests name its packages `<accountId>::<package>`. */
  accountId: string;
}

const KEY = 'edgefleet.session';

/** The signed-in key lives in this tab's sessionStorage: gone when the tab closes, never in a cookie. */
export function storedSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

export const clientFor = (apiKey: string) => new GraphqlClient(location.origin, apiKey);

/** Whether the role may change things (a VIEWER gets no buttons the api would refuse). */
export const canOperate = (role: Role) => role === 'OPERATOR' || role === 'ADMIN';
