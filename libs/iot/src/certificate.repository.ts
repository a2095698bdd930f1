import { Injectable } from '@nestjs/common';
import { Repository, type Tx } from '@edgefleet/db';
import type { CertificateEvent } from '@edgefleet/domain';
import { type CertificateSelection, moveCertificates } from './certificate.transitions';

export interface NewCertificate {
  certificateId: string;
  organizationId: string;
  deviceId: string;
  kind: 'CLAIM' | 'DEVICE';
  serialNumber: string;
  subject: string;
  certificatePem: string;
  status: 'ACTIVE' | 'PENDING_ACTIVATION';
  notBefore: Date;
  notAfter: Date;
  ownershipTokenHash?: string;
}

/** The SQL of the local backend's certificate registry (AWS IoT's, with the aws backend); status changes in certificate.transitions.ts. */
@Injectable()
export class CertificateRepository extends Repository {
  async insert(c: NewCertificate, tx?: Tx): Promise<void> {
    await (tx ?? this.prisma).certificate.create({ data: c });
  }

  /** A certificate with its device. */
  withDevice(certificateId: string, tx?: Tx) {
    return (tx ?? this.prisma).certificate.findUnique({ where: { certificateId }, include: { device: true } });
  }

  /** Locks the certificate for the rest of the transaction (two registrations with one claim cannot both succeed). */
  async lock(tx: Tx, certificateId: string): Promise<void> {
    await tx.$queryRaw`SELECT 1 FROM "Certificate" WHERE "certificateId" = ${certificateId} FOR UPDATE`;
  }

  byOwnershipToken(tx: Tx, ownershipTokenHash: string) {
    return tx.certificate.findUnique({ where: { ownershipTokenHash } });
  }

  /** What a gateway checks of a client certificate: kind, status, use, expiry, subject, and its device and organization's state. */
  forConnection(certificateId: string) {
    return this.prisma.certificate.findUnique({
      where: { certificateId },
      select: { kind: true, status: true, usedAt: true, notAfter: true, deviceId: true, subject: true, device: { select: { organizationId: true, provisioningStatus: true, organization: { select: { suspendedAt: true } } } } },
    });
  }

  async idsOfDevice(deviceId: string): Promise<string[]> {
    return (await this.prisma.certificate.findMany({ where: { deviceId }, select: { certificateId: true } })).map((c) => c.certificateId);
  }

  move(tx: Tx | undefined, select: CertificateSelection, event: CertificateEvent, opts?: Parameters<typeof moveCertificates>[3]): Promise<string[]> {
    return tx ? moveCertificates(tx, select, event, opts) : this.transaction((t) => moveCertificates(t, select, event, opts));
  }
}
