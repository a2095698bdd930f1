import { type DocumentNode, Kind } from 'graphql';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '@edgefleet/config';
import { DomainError } from '@edgefleet/domain';

/** The root fields of installation administration: only the installation admin key may use them, and only them. */
export const INSTALLATION_FIELDS = new Set(['organizations', 'createOrganization', 'suspendOrganization', 'resumeOrganization']);

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether the request carries the installation admin key (compared in constant time). */
export function isInstallationKey(config: Config, authorization: string | undefined): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const key = config.EDGEFLEET_INSTALLATION_ADMIN_KEY;
  return !!presented && !!key && timingSafeEqual(digest(presented), digest(key));
}

/** The root field names the operation selects (fragments at the root too). */
function rootFields(document: DocumentNode, operationName: string | undefined): string[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const names = (set: { selections: readonly any[] }): string[] =>
    set.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : names((s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : fragments.get(s.name.value)) ?? { selections: [] })));
  return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName) ? names(d.selectionSet) : []));
}

/**
 * Keeps the two worlds apart: installation administration needs the installation admin key,
 * and that key reaches no organization's data. Returns whether this is an installation request.
 */
export function assertInstallationScope(config: Config, authorization: string | undefined, document: DocumentNode, operationName: string | undefined): boolean {
  const fields = rootFields(document, operationName).filter((f) => !f.startsWith('__'));
  const admin = fields.filter((f) => INSTALLATION_FIELDS.has(f));
  if (isInstallationKey(config, authorization)) {
    if (admin.length !== fields.length) throw new DomainError('INSTALLATION_ADMIN_REQUIRED', 'The installation admin key administers organizations only; use an API key of the organization for anything else.');
    return true;
  }
  if (admin.length > 0) {
    throw new DomainError('INSTALLATION_ADMIN_REQUIRED', `${admin[0]} is installation administration: send the installation admin key (EDGEFLEET_INSTALLATION_ADMIN_KEY).`);
  }
  return false;
}
