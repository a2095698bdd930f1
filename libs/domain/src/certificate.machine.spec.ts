import { type CertificateEvent, type CertificateStatus, certificateMachine } from './certificate.machine';
import { type PackageImportJobEvent, type PackageImportJobStatus, packageImportJobMachine } from './package-import-job.machine';

// Every (state, event) pair, with the expected outcome spelled out: undefined = refused.
const CERTIFICATE: Record<CertificateEvent, Record<CertificateStatus, CertificateStatus | undefined>> = {
  ACTIVATE: { PENDING_ACTIVATION: 'ACTIVE', ACTIVE: undefined, REVOKED: undefined },
  REVOKE: { PENDING_ACTIVATION: 'REVOKED', ACTIVE: 'REVOKED', REVOKED: undefined },
};

const IMPORT_JOB: Record<PackageImportJobEvent, Record<PackageImportJobStatus, PackageImportJobStatus | undefined>> = {
  SUCCEED: { PENDING: 'SUCCEEDED', IN_PROGRESS: 'SUCCEEDED', SUCCEEDED: undefined, FAILED: undefined },
  FAIL: { PENDING: 'FAILED', IN_PROGRESS: 'FAILED', SUCCEEDED: undefined, FAILED: undefined },
};

describe.each([
  ['certificate', certificateMachine, CERTIFICATE],
  ['package import job', packageImportJobMachine, IMPORT_JOB],
] as const)('%s machine', (_name, machine, table) => {
  for (const [event, row] of Object.entries(table)) {
    for (const [from, expected] of Object.entries(row)) {
      it(`${event} from ${from} → ${expected ?? 'refused'}`, () => {
        const m = machine as unknown as { next(f: string, e: string): string | undefined; transition(f: string, e: string): string };
        expect(m.next(from, event)).toBe(expected);
        if (expected) expect(m.transition(from, event)).toBe(expected);
        else expect(() => m.transition(from, event)).toThrow(/cannot/);
      });
    }
  }
});
