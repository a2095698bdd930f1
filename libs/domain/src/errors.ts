/** Stable error codes, surfaced as GraphQL `extensions.code` and in MQTT `/rejected` payloads. */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'CONFLICT'
  | 'QUOTA_EXCEEDED'
  | 'RATE_LIMITED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'INTERNAL';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Safe, user-facing details (field names, limits); never secrets. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) => new DomainError('NOT_FOUND', `${what} ${id} was not found.`, { id });

export const validationFailed = (field: string, message: string) =>
  new DomainError('VALIDATION_FAILED', `${field}: ${message}`, { field });
