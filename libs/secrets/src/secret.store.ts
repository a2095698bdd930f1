import { validationFailed } from '@edgefleet/domain';

/** What may be shown about a secret: never its value. */
export interface SecretMetadata {
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The secret-store port (the class is also the injection token). Every call is
 * scoped by organization: a name in one organization says nothing about another's.
 */
export abstract class SecretStore {
  /** Creates the secret or replaces its value. */
  abstract put(organizationId: string, name: string, value: Record<string, string>): Promise<SecretMetadata>;
  /** The value; NOT_FOUND when there is none. */
  abstract get(organizationId: string, name: string): Promise<Record<string, string>>;
  abstract describe(organizationId: string, name: string): Promise<SecretMetadata | undefined>;
  /** Idempotent: deleting a missing secret is not an error. */
  abstract delete(organizationId: string, name: string): Promise<void>;
}

// Secrets Manager's own name rule, so a name valid locally stays valid on AWS.
const SECRET_NAME = /^[a-zA-Z0-9/_+=.@-]{1,256}$/;

export function assertSecretName(name: string): void {
  if (SECRET_NAME.test(name)) return;
  const bad = [...name].find((c) => !/[a-zA-Z0-9/_+=.@-]/.test(c));
  const why = bad === undefined ? `got ${name.length} characters` : `${JSON.stringify(bad)} is not allowed`;
  throw validationFailed('name', `a secret name is 1 to 256 characters of a-z, A-Z, 0-9 and / _ + = . @ - (${why}).`);
}
