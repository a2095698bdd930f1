import type { Redis } from 'ioredis';
import type { Config } from '@edgefleet/config';
import type { Clock } from '@edgefleet/runtime';
import { type CertificateAuthority, generateKeyPair } from '@edgefleet/pki';
import type { CertificateRepository } from './certificate.repository';
import { type DisconnectOrder, DeviceIdentities, type ProvisioningClaim, disconnectChannel } from './device-identities.port';

/** Claim subjects are `claim-<thingName>`, so the gateway knows which device a claim may provision. */
export const claimCommonName = (thingName: string) => `claim-${thingName}`;

/** Local backend: our CA issues claims, Postgres records certificates, the gateway enforces them. */
export class LocalIotBackend extends DeviceIdentities {
  constructor(
    private readonly config: Config,
    private readonly certificates: CertificateRepository,
    private readonly ca: CertificateAuthority,
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {
    super();
  }

  async createThing(): Promise<void> {
    // The device row is the thing in the local backend.
  }

  async createProvisioningClaim(thingName: string, organizationId: string): Promise<ProvisioningClaim> {
    const keys = await generateKeyPair();
    const issued = await this.ca.issue({
      commonName: claimCommonName(thingName),
      publicKey: keys.publicKey,
      validForMs: this.config.CLAIM_TTL_SECONDS * 1000,
      usage: 'client',
      now: this.clock.now(),
    });
    await this.certificates.insert({
      certificateId: issued.certificateId,
      organizationId,
      deviceId: thingName,
      kind: 'CLAIM',
      serialNumber: issued.serialNumber,
      subject: issued.subject,
      certificatePem: issued.certificatePem,
      status: 'ACTIVE',
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
    });
    return {
      certificateId: issued.certificateId,
      certificatePem: issued.certificatePem,
      privateKeyPem: keys.privateKeyPem,
      rootCaPem: this.ca.certificatePem,
      expiresAt: issued.notAfter,
      endpoint: gatewayEndpoint(this.config),
      templateName: this.config.PROVISIONING_TEMPLATE,
    };
  }

  async decommissionThing(thingName: string): Promise<void> {
    const certificateIds = await this.certificates.idsOfDevice(thingName);
    await this.certificates.move(undefined, { deviceId: thingName }, 'REVOKE', { at: this.clock.now(), reason: 'device deleted' });
    const order: DisconnectOrder = { certificateIds, reason: 'device deleted' };
    if (order.certificateIds.length > 0) await this.redis.publish(disconnectChannel(this.config.REDIS_PREFIX), JSON.stringify(order));
  }
}

export function gatewayEndpoint(config: Config): { host: string; port: number } {
  if (config.GATEWAY_ENDPOINT) {
    const [host, port] = config.GATEWAY_ENDPOINT.split(':');
    return { host, port: Number(port ?? config.GATEWAY_PORT) };
  }
  return { host: config.GATEWAY_SANS[0] ?? 'localhost', port: config.GATEWAY_PORT };
}
