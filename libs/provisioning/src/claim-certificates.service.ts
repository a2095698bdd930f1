import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { CONFIG, type Config } from '@edgefleet/config';
import type { CreateCertificateFromCsrAccepted, CreateKeysAndCertificateAccepted } from '@edgefleet/contracts';
import type { Tx } from '@edgefleet/db';
import { DeviceRegistration } from '@edgefleet/devices';
import { DomainError, provisioningMachine } from '@edgefleet/domain';
import { CertificateRepository } from '@edgefleet/iot';
import { CertificateAuthority, CsrError, type IssuedCertificate, generateKeyPair } from '@edgefleet/pki';
import { Clock } from '@edgefleet/runtime';

export const PROVISIONING_ACTOR = 'system:gateway';
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const notProvisionable = (status: string) =>
  new DomainError('DEVICE_NOT_PROVISIONABLE', `The device is ${status}; it cannot be provisioned with this claim. Create a new bundle.`);

/** The claim certificate a request came in on, as the gateway authenticated it. */
export interface ClaimIdentity {
  certificateId: string;
  thingName: string;
}

/** The claim must be active, unused, unexpired, and its device still waiting for provisioning: its device. */
export async function usableClaim(certificates: CertificateRepository, claim: ClaimIdentity, now: Date, tx?: Tx) {
  const cert = await certificates.withDevice(claim.certificateId, tx);
  if (!cert || cert.kind !== 'CLAIM' || cert.deviceId !== claim.thingName || !cert.device) throw notProvisionable('unknown');
  if (cert.usedAt) throw new DomainError('CLAIM_ALREADY_USED', 'This provisioning claim was already used to register a device; claims work once. Create a new bundle.');
  if (cert.notAfter <= now) throw new DomainError('CLAIM_EXPIRED', 'This provisioning claim has expired (bundles last 5 minutes). Create a new bundle.');
  if (cert.status !== 'ACTIVE') throw notProvisionable(cert.device.provisioningStatus);
  if (!provisioningMachine.next(cert.device.provisioningStatus, 'REGISTER')) throw notProvisionable(cert.device.provisioningStatus);
  return cert.device;
}

/**
 * AWS IoT fleet provisioning's first step, for the local backend: a claim trades a CSR (or asks
 * for keys) for a device certificate, PENDING_ACTIVATION until RegisterThing.
 */
@Injectable()
export class ClaimCertificates {
  constructor(
    private readonly certificates: CertificateRepository,
    private readonly ca: CertificateAuthority,
    private readonly registration: DeviceRegistration,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async createCertificateFromCsr(claim: ClaimIdentity, csrPem: string): Promise<CreateCertificateFromCsrAccepted> {
    await usableClaim(this.certificates, claim, this.clock.now());
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
    await usableClaim(this.certificates, claim, this.clock.now());
    const keys = await generateKeyPair();
    const accepted = await this.issue(claim, await this.ca.issue(this.deviceCertificate(claim, keys.publicKey)));
    return { ...accepted, privateKey: keys.privateKeyPem };
  }

  private deviceCertificate(claim: ClaimIdentity, publicKey: Parameters<CertificateAuthority['issue']>[0]['publicKey']) {
    return { commonName: claim.thingName, publicKey, validForMs: this.config.DEVICE_CERT_DAYS * 86_400_000, usage: 'client' as const, now: this.clock.now() };
  }

  /** Records a freshly issued device certificate, pending activation by RegisterThing. */
  private async issue(claim: ClaimIdentity, issued: IssuedCertificate): Promise<CreateCertificateFromCsrAccepted> {
    const token = randomBytes(32).toString('base64url');
    await this.certificates.transaction(async (tx) => {
      const device = await usableClaim(this.certificates, claim, this.clock.now(), tx);
      await this.certificates.insert(
        {
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
        tx,
      );
      await this.registration.certificateIssued(tx, device, PROVISIONING_ACTOR);
    });
    return { certificateId: issued.certificateId, certificatePem: issued.certificatePem, certificateOwnershipToken: token };
  }
}
