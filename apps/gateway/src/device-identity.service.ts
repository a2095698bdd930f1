import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { PrismaService } from '@edgefleet/db';
import { type DisconnectOrder, claimCommonName, disconnectChannel } from '@edgefleet/iot';
import { Clock, RedisConnections } from '@edgefleet/runtime';
import { certificateIdOf } from '@edgefleet/pki';
import type { Identity } from './topic.policy';

/**
 * Who a TLS client is: its certificate (already chain- and date-checked by the
 * TLS layer) must be one we issued and still ACTIVE, for a device not being deleted.
 */
@Injectable()
export class DeviceIdentityService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisConnections,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Revoked certificates, as every gateway hears of them (subscribed before this resolves). */
  async followRevocations(onOrder: (order: DisconnectOrder) => void): Promise<void> {
    const subscriber = this.redis.connect('revocations');
    await subscriber.subscribe(disconnectChannel(this.config.REDIS_PREFIX));
    subscriber.on('message', (_channel, message) => onOrder(JSON.parse(message) as DisconnectOrder));
  }

  /**
   * Checked as soon as TLS completes, before a byte of MQTT is read: a device certificate that is
   * revoked, unknown, or whose device is gone or being deleted (for good: the device is told it is
   * not authorized, so it stops trying), or whose organization is suspended (for now). Claims keep
   * their refusal for CONNECT, whose CONNACK 5 the edge agent explains to the person holding the bundle.
   */
  async refusedAtHandshake(certificateDer: Buffer): Promise<{ reason: string; permanent: boolean } | undefined> {
    const cert = await this.certificate(certificateIdOf(certificateDer));
    const forGood = (reason: string) => ({ reason, permanent: true });
    if (!cert) return forGood('unknown certificate');
    if (cert.kind !== 'DEVICE') return undefined;
    if (cert.status === 'REVOKED') return forGood('certificate revoked');
    if (!cert.device) return forGood('device deleted');
    if (cert.device.provisioningStatus === 'DELETING') return forGood('device is being deleted');
    if (cert.device.organization.suspendedAt) return { reason: 'organization suspended', permanent: false };
    return undefined;
  }

  /** Who the client is, and its organization (whose suspension ends the session); a refusal says whether it is for now only. */
  async identify(certificateDer: Buffer, clientId: string): Promise<{ identity: Identity; organizationId: string } | { refused: string; forNow?: boolean }> {
    const certificateId = certificateIdOf(certificateDer);
    const cert = await this.certificate(certificateId);
    if (!cert || !cert.deviceId || !cert.device) return { refused: 'unknown certificate' };
    if (cert.status !== 'ACTIVE') return { refused: `certificate ${cert.status.toLowerCase()}` };
    if (cert.notAfter <= this.clock.now()) return { refused: 'certificate expired' };
    if (cert.device.provisioningStatus === 'DELETING') return { refused: 'device is being deleted' };
    if (cert.device.organization.suspendedAt) return { refused: 'organization suspended', forNow: true };
    if (cert.kind === 'CLAIM') {
      if (cert.usedAt) return { refused: 'claim already used' };
      if (cert.subject !== `CN=${claimCommonName(cert.deviceId)}`) return { refused: 'unexpected claim subject' };
      // Like a device, a claim may only use its own thing's client id: never another device's session.
      if (clientId !== cert.deviceId) return { refused: `client id must be the thing name ${cert.deviceId}` };
      return { identity: { kind: 'claim', thingName: cert.deviceId, certificateId }, organizationId: cert.device.organizationId };
    }
    if (cert.kind === 'DEVICE') {
      // AWS IoT's rule for our devices: client id = thing name = certificate CN.
      if (clientId !== cert.deviceId) return { refused: `client id must be the thing name ${cert.deviceId}` };
      return { identity: { kind: 'device', thingName: cert.deviceId, certificateId }, organizationId: cert.device.organizationId };
    }
    return { refused: 'not a device certificate' };
  }

  private certificate(certificateId: string) {
    return this.prisma.certificate.findUnique({
      where: { certificateId },
      select: { kind: true, status: true, usedAt: true, notAfter: true, deviceId: true, subject: true, device: { select: { organizationId: true, provisioningStatus: true, organization: { select: { suspendedAt: true } } } } },
    });
  }
}
