import { DomainError, type ErrorCode, type ErrorReason } from '@edgefleet/domain';
import type { ErrorResponse } from './fleet-provisioning.contract';

/** The AWS IoT services behind device topics, each with its own `/rejected` form. */
export type DeviceService = 'shadow' | 'jobs' | 'provisioning' | 'edgefleet';

/** The `code` of a Device Shadow rejection, and of an AWS IoT Jobs one. */
export type ShadowErrorCode = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500;
export type JobsErrorCode = 'InvalidTopic' | 'InvalidJson' | 'InvalidRequest' | 'InvalidStateTransition' | 'ResourceNotFound' | 'VersionMismatch' | 'InternalError' | 'RequestThrottled' | 'TerminalStateReached';
type ExecutionState = { status: string; statusDetails?: Record<string, string>; versionNumber: number };

/** Every category has its wire code; a reason overrides it where AWS is more precise. */
interface Table<W> {
  categories: Record<ErrorCode, W>;
  reasons: Partial<Record<ErrorReason, W>>;
}

const SHADOW_CODES: Table<ShadowErrorCode> = {
  categories: { VALIDATION_FAILED: 400, QUOTA_EXCEEDED: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, RATE_LIMITED: 429, INTERNAL: 500 },
  reasons: { PAYLOAD_TOO_LARGE: 413 },
};

const JOBS_CODES: Table<JobsErrorCode> = {
  categories: {
    VALIDATION_FAILED: 'InvalidRequest',
    QUOTA_EXCEEDED: 'InvalidRequest',
    UNAUTHENTICATED: 'InvalidRequest',
    FORBIDDEN: 'InvalidRequest',
    NOT_FOUND: 'ResourceNotFound',
    CONFLICT: 'InvalidStateTransition',
    RATE_LIMITED: 'RequestThrottled',
    INTERNAL: 'InternalError',
  },
  reasons: { INVALID_JSON: 'InvalidJson', INVALID_TOPIC: 'InvalidTopic', VERSION_CONFLICT: 'VersionMismatch' },
};

const PROVISIONING_CODES: Table<[statusCode: number, errorCode: string]> = {
  categories: {
    VALIDATION_FAILED: [400, 'InvalidPayload'],
    NOT_FOUND: [404, 'ResourceNotFound'],
    // The claim (or its device's state) does not allow this request.
    UNAUTHENTICATED: [403, 'DeviceNotProvisionable'],
    FORBIDDEN: [403, 'DeviceNotProvisionable'],
    QUOTA_EXCEEDED: [403, 'DeviceNotProvisionable'],
    CONFLICT: [409, 'DeviceNotProvisionable'],
    RATE_LIMITED: [429, 'Throttling'],
    INTERNAL: [500, 'InternalError'],
  },
  reasons: {
    INVALID_CSR: [400, 'InvalidCertificateSigningRequest'],
    INVALID_OWNERSHIP_TOKEN: [400, 'InvalidCertificateOwnershipToken'],
    CLAIM_ALREADY_USED: [403, 'ClaimAlreadyUsed'],
    CLAIM_EXPIRED: [403, 'ClaimExpired'],
    PAYLOAD_TOO_LARGE: [413, 'PayloadTooLarge'],
  },
};

/** What a device sees of an error that is not a DomainError: never its message, stack or data. */
const UNEXPECTED = new DomainError('UNEXPECTED', 'Internal service failure; try again.');

const wire = <W>(table: Table<W>, error: DomainError) => table.reasons[error.reason] ?? table.categories[error.code];
const now = () => Math.floor(Date.now() / 1000);

const shadowRejected = (e: DomainError, token: object) => ({ code: wire(SHADOW_CODES, e), message: e.message, timestamp: now(), ...token });

const REJECTED = {
  shadow: shadowRejected,
  // EdgeFleet's own device topics answer in the Device Shadow service's form.
  edgefleet: shadowRejected,
  jobs: (e: DomainError, token: object) => {
    const executionState = e.details.executionState as ExecutionState | undefined;
    return { code: wire(JOBS_CODES, e), message: e.message, timestamp: now(), ...token, ...(executionState ? { executionState } : {}) };
  },
  // AWS fleet provisioning has no clientToken.
  provisioning: (e: DomainError): ErrorResponse => {
    const [statusCode, errorCode] = wire(PROVISIONING_CODES, e);
    return { statusCode, errorCode, errorMessage: e.message };
  },
};

/**
 * The one place where errors become a device's `…/rejected` payload, in the AWS IoT form of
 * its service (the device-side twin of the GraphQL error mapping). A DomainError keeps its
 * message; anything else is the service's internal error (the caller logs it).
 */
export function toRejected<S extends DeviceService>(service: S, error: unknown, clientToken?: string): ReturnType<(typeof REJECTED)[S]> {
  const e = error instanceof DomainError ? error : UNEXPECTED;
  return REJECTED[service](e, clientToken ? { clientToken } : {}) as ReturnType<(typeof REJECTED)[S]>;
}
