import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { type DisconnectOrder, disconnectChannel } from '@edgefleet/iot';
import { CertificateAuthority, certificateIdOf, generateKeyPair } from '@edgefleet/pki';
import { DeviceAuthentication } from '@edgefleet/provisioning';
import { Clock, RedisConnections } from '@edgefleet/runtime';
import type { Identity } from './topic.policy';

/** The gateway's server certificate lasts this long; a restart issues a new one. */
const SERVER_CERT_DAYS = 30;

/**
 * The gateway's side of mutual TLS: its server credentials from our CA, who each client is (by
 * the certificate it presented), and the revocations every gateway hears of.
 */
@Injectable()
export class DeviceIdentityService {
  constructor(
    private readonly authentication: DeviceAuthentication,
    private readonly ca: CertificateAuthority,
    private readonly redis: RedisConnections,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** A fresh server key and certificate for the gateway's names, and the CA its clients' certificates must chain to. */
  async serverTls(): Promise<{ key: string; cert: string; ca: string[] }> {
    const keys = await generateKeyPair();
    const serverCert = await this.ca.issue({
      commonName: this.config.GATEWAY_SANS[0] ?? 'localhost',
      publicKey: keys.publicKey,
      validForMs: SERVER_CERT_DAYS * 86_400_000,
      usage: 'server',
      subjectAltNames: this.config.GATEWAY_SANS,
      now: this.clock.now(),
    });
    return { key: keys.privateKeyPem, cert: serverCert.certificatePem, ca: [this.ca.certificatePem] };
  }

  /** Revoked certificates, as every gateway hears of them (subscribed before this resolves). */
  async followRevocations(onOrder: (order: DisconnectOrder) => void): Promise<void> {
    const subscriber = this.redis.connect('revocations');
    await subscriber.subscribe(disconnectChannel(this.config.REDIS_PREFIX));
    subscriber.on('message', (_channel, message) => onOrder(JSON.parse(message) as DisconnectOrder));
  }

  /** See DeviceAuthentication.refusedAtHandshake. */
  refusedAtHandshake(certificateDer: Buffer): Promise<{ reason: string; permanent: boolean } | undefined> {
    return this.authentication.refusedAtHandshake(certificateIdOf(certificateDer));
  }

  identify(certificateDer: Buffer, clientId: string): Promise<{ identity: Identity; organizationId: string; at: Date } | { refused: string; forNow?: boolean }> {
    return this.authentication.identify(certificateIdOf(certificateDer), clientId);
  }
}
