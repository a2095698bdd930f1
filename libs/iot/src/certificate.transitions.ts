import { type MachineTable, Prisma, type Tx, transition } from '@edgefleet/db';
import { type CertificateEvent, type CertificateStatus, certificateMachine } from '@edgefleet/domain';

/** The row records a revocation itself (revokedAt, revokedReason): no event table. */
const CERTIFICATES: MachineTable<CertificateStatus, CertificateEvent> = {
  machine: certificateMachine,
  table: 'Certificate',
  key: 'certificateId',
  column: 'status',
  enumType: 'CertificateStatus',
};

/** Which certificates a move selects: one, or every one of a device. */
export type CertificateSelection = { certificateId: string } | { deviceId: string };

/**
 * Certificates ACTIVATE (a device certificate registered: its ownership token is spent) or are
 * REVOKEd (with when, why, and for a claim that it was used): the ids of those that moved.
 */
export async function moveCertificates(tx: Tx, select: CertificateSelection, event: CertificateEvent, opts: { at?: Date; reason?: string; used?: boolean } = {}): Promise<string[]> {
  const where = 'certificateId' in select ? Prisma.sql`t."certificateId" = ${select.certificateId}` : Prisma.sql`t."deviceId" = ${select.deviceId}`;
  const set =
    event === 'ACTIVATE'
      ? [Prisma.sql`"ownershipTokenHash" = NULL`]
      : [Prisma.sql`"revokedAt" = ${opts.at ?? null}`, Prisma.sql`"revokedReason" = ${opts.reason ?? null}`, ...(opts.used ? [Prisma.sql`"usedAt" = ${opts.at ?? null}`] : [])];
  const moved = await transition<CertificateStatus, CertificateEvent, { certificateId: string }>(tx, CERTIFICATES, {
    event,
    where,
    actor: 'system',
    set,
    returning: Prisma.sql`t."certificateId"`,
  });
  return moved.map((m) => m.certificateId);
}
