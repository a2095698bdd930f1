import { DomainError } from './errors';

export const API_KEY_ROLES = ['VIEWER', 'OPERATOR', 'ADMIN'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

const RANK: Record<ApiKeyRole, number> = { VIEWER: 0, OPERATOR: 1, ADMIN: 2 };

/** VIEWER reads; OPERATOR also changes the fleet; ADMIN also manages keys. */
export function assertRole(actual: ApiKeyRole, required: ApiKeyRole, action: string): void {
  if (RANK[actual] < RANK[required]) {
    throw new DomainError('ROLE_REQUIRED', `${action} needs a ${required} key; this key is ${actual}.`, { required, actual });
  }
}

/** The rule of every edge for a request that changes anything (a mutation, a REST write): never a VIEWER's. */
export function assertMayWrite(actual: ApiKeyRole): void {
  if (actual === 'VIEWER') {
    throw new DomainError('ROLE_REQUIRED', 'A VIEWER key can only read; use an OPERATOR or ADMIN key to change things.', { required: 'OPERATOR', actual });
  }
}
