import { DomainError, ERROR_REASONS, type ErrorCode, type ErrorReason } from '@edgefleet/domain';
import { type JobsErrorCode, type ShadowErrorCode, toRejected } from './rejected.mapping';

type Expected = [shadow: ShadowErrorCode, jobs: JobsErrorCode, provisioning: [statusCode: number, errorCode: string]];

/** What a device sees for each category… */
const BY_CATEGORY: Record<ErrorCode, Expected> = {
  VALIDATION_FAILED: [400, 'InvalidRequest', [400, 'InvalidPayload']],
  NOT_FOUND: [404, 'ResourceNotFound', [404, 'ResourceNotFound']],
  CONFLICT: [409, 'InvalidStateTransition', [409, 'DeviceNotProvisionable']],
  QUOTA_EXCEEDED: [400, 'InvalidRequest', [403, 'DeviceNotProvisionable']],
  RATE_LIMITED: [429, 'RequestThrottled', [429, 'Throttling']],
  UNAUTHENTICATED: [401, 'InvalidRequest', [403, 'DeviceNotProvisionable']],
  FORBIDDEN: [403, 'InvalidRequest', [403, 'DeviceNotProvisionable']],
  INTERNAL: [500, 'InternalError', [500, 'InternalError']],
};

/** …and for the reasons where AWS IoT says more. */
const BY_REASON: Partial<Record<ErrorReason, Expected>> = {
  INVALID_JSON: [400, 'InvalidJson', [400, 'InvalidPayload']],
  INVALID_TOPIC: [400, 'InvalidTopic', [400, 'InvalidPayload']],
  PAYLOAD_TOO_LARGE: [413, 'InvalidRequest', [413, 'PayloadTooLarge']],
  VERSION_CONFLICT: [409, 'VersionMismatch', [409, 'DeviceNotProvisionable']],
  INVALID_CSR: [400, 'InvalidRequest', [400, 'InvalidCertificateSigningRequest']],
  INVALID_OWNERSHIP_TOKEN: [400, 'InvalidRequest', [400, 'InvalidCertificateOwnershipToken']],
  CLAIM_ALREADY_USED: [403, 'InvalidRequest', [403, 'ClaimAlreadyUsed']],
  CLAIM_EXPIRED: [403, 'InvalidRequest', [403, 'ClaimExpired']],
};

describe('toRejected: errors as AWS IoT devices see them', () => {
  it.each(Object.entries(ERROR_REASONS) as [ErrorReason, ErrorCode][])('%s (%s)', (reason, category) => {
    const [code, jobsCode, [statusCode, errorCode]] = BY_REASON[reason] ?? BY_CATEGORY[category];
    const error = new DomainError(reason, 'What went wrong, and how to fix it.');
    const message = error.message;
    expect(toRejected('shadow', error, 't1')).toEqual({ code, message, timestamp: expect.any(Number), clientToken: 't1' });
    expect(toRejected('jobs', error, 't1')).toEqual({ code: jobsCode, message, timestamp: expect.any(Number), clientToken: 't1' });
    expect(toRejected('provisioning', error, 't1')).toEqual({ statusCode, errorCode, errorMessage: message });
  });

  it('answers anything but a DomainError with the internal error, and nothing of it', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED postgres://admin:hunter2@db'), { code: 'ECONNREFUSED' });
    const all = [toRejected('shadow', error), toRejected('jobs', error), toRejected('provisioning', error)];
    expect(all).toEqual([
      { code: 500, message: expect.any(String), timestamp: expect.any(Number) },
      { code: 'InternalError', message: expect.any(String), timestamp: expect.any(Number) },
      { statusCode: 500, errorCode: 'InternalError', errorMessage: expect.any(String) },
    ]);
    expect(JSON.stringify(all)).not.toMatch(/hunter2|ECONNREFUSED|at /);
  });

  it("carries the job execution's state where the use case gave it, and no clientToken when none was sent", () => {
    const executionState = { status: 'SUCCEEDED', versionNumber: 3 };
    const error = new DomainError('INVALID_STATE_TRANSITION', 'The execution is already SUCCEEDED.', { executionState });
    expect(toRejected('jobs', error)).toEqual({ code: 'InvalidStateTransition', message: error.message, timestamp: expect.any(Number), executionState });
    expect(toRejected('shadow', error)).not.toHaveProperty('executionState');
  });
});
