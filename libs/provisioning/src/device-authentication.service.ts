import { Injectable } from '@nestjs/common';
import { CertificateRepository, claimCommonName } from '@edgefleet/iot';
import { Clock } from '@edgefleet/runtime';

/** Who a connected client is: a claim (it may only provision its thing) or a device (its own topics), by its certificate. */
export type DeviceIdentity = { kind: 'claim'; thingName: string; certificateId: string } | { kind: 'device'; thingName: string; certificateId: string };

/**
 * Who a TLS client is: its certificate (already chain- and date-checked by the TLS layer) must
 * be one we issued and still ACTIVE, for a device not being deleted.
 */
@Injectable()
export class DeviceAuthentication {
  constructor(
    private readonly certificates: CertificateRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Checked as soon as TLS completes, before a byte of MQTT is read: a device certificate that is
   * revoked, unknown, or whose device is gone or being deleted (for good: the device is told it is
   * not authorized, so it stops trying), or whose organization is suspended (for now). Claims keep
   * their refusal for CONNECT, whose CONNACK 5 the edge agent explains to the person holding the bundle.
   */
  async refusedAtHandshake(certificateId: string): Promise<{ reason: string; permanent: boolean } | undefined> {
    const cert = await this.certificates.forConnection(certificateId);
    const forGood = (reason: string) => ({ reason, permanent: true });
    if (!cert) return forGood('unknown certificate');
    if (cert.kind !== 'DEVICE') return undefined;
    if (cert.status === 'REVOKED') return forGood('certificate revoked');
    if (!cert.device) return forGood('device deleted');
    if (cert.device.provisioningStatus === 'DELETING') return forGood('device is being deleted');
    if (cert.device.organization.suspendedAt) return { reason: 'organization suspended', permanent: false };
    return undefined;
  }

  /**
   * Who the client is, its organization (whose suspension ends the session), and when it was
   * let in (its session's connection time); a refusal says whether it is for now only.
   */
  async identify(certificateId: string, clientId: string): Promise<{ identity: DeviceIdentity; organizationId: string; at: Date } | { refused: string; forNow?: boolean }> {
    const cert = await this.certificates.forConnection(certificateId);
    const at = this.clock.now();
    if (!cert || !cert.deviceId || !cert.device) return { refused: 'unknown certificate' };
    if (cert.status !== 'ACTIVE') return { refused: `certificate ${cert.status.toLowerCase()}` };
    if (cert.notAfter <= at) return { refused: 'certificate expired' };
    if (cert.device.provisioningStatus === 'DELETING') return { refused: 'device is being deleted' };
    if (cert.device.organization.suspendedAt) return { refused: 'organization suspended', forNow: true };
    if (cert.kind === 'CLAIM') {
      if (cert.usedAt) return { refused: 'claim already used' };
      if (cert.subject !== `CN=${claimCommonName(cert.deviceId)}`) return { refused: 'unexpected claim subject' };
      // Like a device, a claim may only use its own thing's client id: never another device's session.
      if (clientId !== cert.deviceId) return { refused: `client id must be the thing name ${cert.deviceId}` };
      return { identity: { kind: 'claim', thingName: cert.deviceId, certificateId }, organizationId: cert.device.organizationId, at };
    }
    if (cert.kind === 'DEVICE') {
      // AWS IoT's rule for our devices: client id = thing name = certificate CN.
      if (clientId !== cert.deviceId) return { refused: `client id must be the thing name ${cert.deviceId}` };
      return { identity: { kind: 'device', thingName: cert.deviceId, certificateId }, organizationId: cert.device.organizationId, at };
    }
    return { refused: 'not a device certificate' };
  }
}
