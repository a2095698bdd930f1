import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import type { RegisterThingAccepted } from '@edgefleet/contracts';
import { DeviceRegistration } from '@edgefleet/devices';
import { DomainError, notFound } from '@edgefleet/domain';
import { CertificateRepository } from '@edgefleet/iot';
import { AuditService } from '@edgefleet/organizations';
import { Clock } from '@edgefleet/runtime';
import { type ClaimIdentity, PROVISIONING_ACTOR, hashToken, notProvisionable, usableClaim } from './claim-certificates.service';

/** The AWS IoT ownership token is good for an hour. */
const OWNERSHIP_TOKEN_TTL_MS = 3_600_000;

/**
 * AWS IoT fleet provisioning by claim, for the local backend: RegisterThing activates the device
 * certificate the claim was issued (ClaimCertificates) and consumes the claim.
 */
@Injectable()
export class FleetProvisioningService {
  constructor(
    private readonly certificates: CertificateRepository,
    private readonly registration: DeviceRegistration,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async registerThing(
    claim: ClaimIdentity,
    templateName: string,
    request: { certificateOwnershipToken: string; parameters?: Record<string, string> },
  ): Promise<RegisterThingAccepted> {
    if (templateName !== this.config.PROVISIONING_TEMPLATE) throw notFound('Provisioning template', templateName);
    return this.certificates.transaction(async (tx) => {
      // Lock the claim: two registrations with it cannot both succeed.
      await this.certificates.lock(tx, claim.certificateId);
      const device = await usableClaim(this.certificates, claim, this.clock.now(), tx);
      const certificate = await this.certificates.byOwnershipToken(tx, hashToken(request.certificateOwnershipToken));
      if (!certificate || certificate.deviceId !== claim.thingName || certificate.status !== 'PENDING_ACTIVATION') {
        throw new DomainError('INVALID_OWNERSHIP_TOKEN', 'certificateOwnershipToken does not match a certificate issued to this claim.');
      }
      const now = this.clock.now();
      if (now.getTime() - certificate.createdAt.getTime() > OWNERSHIP_TOKEN_TTL_MS) {
        throw new DomainError('INVALID_OWNERSHIP_TOKEN', 'certificateOwnershipToken has expired (it lasts one hour).');
      }
      await this.certificates.move(tx, { certificateId: certificate.certificateId }, 'ACTIVATE');
      // Single use: the claim is dead from now on, whatever its expiry.
      await this.certificates.move(tx, { certificateId: claim.certificateId }, 'REVOKE', { at: now, reason: 'claim used', used: true });
      // The device's lease on the fleet lasts as long as its certificate (DEVICE_CERT_DAYS).
      const registered = await this.registration.register(tx, device, PROVISIONING_ACTOR, { leaseExpirationTime: certificate.notAfter, serialNumber: request.parameters?.SerialNumber });
      if (!registered) throw notProvisionable('changing');
      await this.audit.record(tx, { organizationId: device.organizationId, actor: PROVISIONING_ACTOR }, {
        action: 'device.register',
        targetType: 'Device',
        targetId: device.deviceId,
        details: { certificateId: certificate.certificateId },
      });
      return { thingName: device.deviceId, deviceConfiguration: {} };
    });
  }
}
