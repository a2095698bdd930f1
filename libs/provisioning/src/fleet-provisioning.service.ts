import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { CONFIG, type Config } from '@edgefleet/config';
import type {
  CreateCertificateFromCsrAccepted,
  CreateKeysAndCertificateAccepted,
  RegisterThingAccepted,
} from '@edgefleet/contracts';
import { Prisma, PrismaService, type Tx } from '@edgefleet/db';
import { DomainError, notFound, provisioningMachine } from '@edgefleet/domain';
import { moveConnection, moveProvisioning } from '@edgefleet/devices';
import { CertificateAuthority, CsrError, type IssuedCertificate, generateKeyPair } from '@edgefleet/pki';
import { AuditService } from '@edgefleet/organizations';
import { Clock } from '@edgefleet/runtime';

/** The AWS IoT ownership token is good for an hour. */
const OWNERSHIP_TOKEN_TTL_MS = 3_600_000;
const ACTOR = 'system:gateway';
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const notProvisionable = (status: string) =>
  new DomainError('DEVICE_NOT_PROVISIONABLE', `The device is ${status}; it cannot be provisioned with this claim. Create a new bundle.`);

/** The claim certificate a request came in on, as the gateway authenticated it. */
export interface ClaimIdentity {
  certificateId: string;
  thingName: string;
}

/**
 * AWS IoT fleet provisioning by claim, for the local backend: the claim trades a
 * CSR (or asks for keys) for a device certificate, then registers the thing,
 * which activates that certificate and consumes the claim.
 */
@Injectable()
export class FleetProvisioningService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly ca: CertificateAuthority,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async createCertificateFromCsr(claim: ClaimIdentity, csrPem: string): Promise<CreateCertificateFromCsrAccepted> {
    await this.usableClaim(this.prisma, claim);
    let publicKey;
    try {
      publicKey = await this.ca.verifyCsr(csrPem, claim.thingName);
    } catch (err) {
      if (err instanceof CsrError) throw new DomainError('INVALID_CSR', err.message);
      throw err;
    }
    return this.issue(claim, await this.ca.issue(this.deviceCertificate(claim, publicKey)));
  }

  async createKeysAndCertificate(claim: ClaimIdentity): Promise<CreateKeysAndCertificateAccepted> {
    await this.usableClaim(this.prisma, claim);
    const keys = await generateKeyPair();
    const accepted = await this.issue(claim, await this.ca.issue(this.deviceCertificate(claim, keys.publicKey)));
    return { ...accepted, privateKey: keys.privateKeyPem };
  }

  async registerThing(
    claim: ClaimIdentity,
    templateName: string,
    request: { certificateOwnershipToken: string; parameters?: Record<string, string> },
  ): Promise<RegisterThingAccepted> {
    if (templateName !== this.config.PROVISIONING_TEMPLATE) throw notFound('Provisioning template', templateName);
    return this.prisma.$transaction(async (tx) => {
      // Lock the claim: two registrations with it cannot both succeed.
      await tx.$queryRaw`SELECT 1 FROM "Certificate" WHERE "certificateId" = ${claim.certificateId} FOR UPDATE`;
      const device = await this.usableClaim(tx, claim);
      const certificate = await tx.certificate.findUnique({ where: { ownershipTokenHash: hashToken(request.certificateOwnershipToken) } });
      if (!certificate || certificate.deviceId !== claim.thingName || certificate.status !== 'PENDING_ACTIVATION') {
        throw new DomainError('INVALID_OWNERSHIP_TOKEN', 'certificateOwnershipToken does not match a certificate issued to this claim.');
      }
      if (this.clock.now().getTime() - certificate.createdAt.getTime() > OWNERSHIP_TOKEN_TTL_MS) {
        throw new DomainError('INVALID_OWNERSHIP_TOKEN', 'certificateOwnershipToken has expired (it lasts one hour).');
      }
      const now = this.clock.now();
      await tx.certificate.update({ where: { certificateId: certificate.certificateId }, data: { status: 'ACTIVE', ownershipTokenHash: null } });
      // Single use: the claim is dead from now on, whatever its expiry.
      await tx.certificate.update({
        where: { certificateId: claim.certificateId },
        data: { usedAt: now, status: 'REVOKED', revokedAt: now, revokedReason: 'claim used' },
      });
      const serialNumber = request.parameters?.SerialNumber;
      // The device's lease on the fleet lasts as long as its certificate (DEVICE_CERT_DAYS).
      const moved = await moveProvisioning(tx, device.deviceId, device.provisioningStatus, 'REGISTER', ACTOR, {
        set: [Prisma.sql`"leaseExpirationTime" = ${certificate.notAfter}`, ...(serialNumber ? [Prisma.sql`"serialNumber" = ${serialNumber}`] : [])],
      });
      if (!moved) throw notProvisionable('changing');
      await moveConnection(tx, Prisma.sql`t."deviceId" = ${device.deviceId}`, 'CREDENTIALS_ISSUED', ACTOR);
      await this.audit.record(tx, { organizationId: device.organizationId, actor: ACTOR }, {
        action: 'device.register',
        targetType: 'Device',
        targetId: device.deviceId,
        details: { certificateId: certificate.certificateId },
      });
      return { thingName: device.deviceId, deviceConfiguration: {} };
    });
  }

  private deviceCertificate(claim: ClaimIdentity, publicKey: Parameters<CertificateAuthority['issue']>[0]['publicKey']) {
    return { commonName: claim.thingName, publicKey, validForMs: this.config.DEVICE_CERT_DAYS * 86_400_000, usage: 'client' as const, now: this.clock.now() };
  }

  /** Records a freshly issued device certificate, pending activation by RegisterThing. */
  private async issue(claim: ClaimIdentity, issued: IssuedCertificate): Promise<CreateCertificateFromCsrAccepted> {
    const token = randomBytes(32).toString('base64url');
    await this.prisma.$transaction(async (tx) => {
      const device = await this.usableClaim(tx, claim);
      await tx.certificate.create({
        data: {
          certificateId: issued.certificateId,
          organizationId: device.organizationId,
          deviceId: claim.thingName,
          kind: 'DEVICE',
          serialNumber: issued.serialNumber,
          subject: issued.subject,
          certificatePem: issued.certificatePem,
          status: 'PENDING_ACTIVATION',
          notBefore: issued.notBefore,
          notAfter: issued.notAfter,
          ownershipTokenHash: hashToken(token),
        },
      });
      await moveProvisioning(tx, device.deviceId, device.provisioningStatus, 'CERTIFICATE_ISSUED', ACTOR); // only the first moves it
    });
    return { certificateId: issued.certificateId, certificatePem: issued.certificatePem, certificateOwnershipToken: token };
  }

  /** The claim must be active, unused, unexpired, and its device still waiting for provisioning. */
  private async usableClaim(tx: Tx | PrismaService, claim: ClaimIdentity) {
    const cert = await tx.certificate.findUnique({ where: { certificateId: claim.certificateId }, include: { device: true } });
    if (!cert || cert.kind !== 'CLAIM' || cert.deviceId !== claim.thingName || !cert.device) throw notProvisionable('unknown');
    if (cert.usedAt) throw new DomainError('CLAIM_ALREADY_USED', 'This provisioning claim was already used to register a device; claims work once. Create a new bundle.');
    if (cert.notAfter <= this.clock.now()) throw new DomainError('CLAIM_EXPIRED', 'This provisioning claim has expired (bundles last 5 minutes). Create a new bundle.');
    if (cert.status !== 'ACTIVE') throw notProvisionable(cert.device.provisioningStatus);
    if (!provisioningMachine.next(cert.device.provisioningStatus, 'REGISTER')) {
      throw notProvisionable(cert.device.provisioningStatus);
    }
    return cert.device;
  }
}
