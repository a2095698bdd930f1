import {
  CreateProvisioningClaimCommand,
  CreateThingCommand,
  DeleteThingCommand,
  DescribeEndpointCommand,
  DetachThingPrincipalCommand,
  type IoTClient,
  ListThingPrincipalsCommand,
  ResourceNotFoundException,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { DeleteConnectionCommand, type IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { DomainError } from '@edgefleet/domain';
import { DeviceIdentities, type ProvisioningClaim } from './device-identities.port';

export interface AwsIotOptions {
  templateName: string;
  /** Amazon's root CA, shipped in bundles so devices can verify the endpoint. */
  rootCaPem: string;
}

/** Turns an SDK failure into an error a caller can act on, without leaking request internals. */
function awsError(action: string, err: unknown): DomainError {
  const e = err as { name?: string; message?: string };
  return new DomainError('UPSTREAM_FAILED', `AWS IoT ${action} failed: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`, { awsError: e.name });
}

/**
 * AWS backend: AWS IoT Core holds things and certificates; claims come from
 * CreateProvisioningClaim (5 minutes, AWS's own limit) against the template in infra/aws/.
 */
export class AwsIotBackend extends DeviceIdentities {
  private endpoint?: string;

  constructor(
    private readonly iot: IoTClient,
    private readonly data: IoTDataPlaneClient,
    private readonly options: AwsIotOptions,
  ) {
    super();
  }

  async createThing(thingName: string, organizationId: string): Promise<void> {
    try {
      await this.iot.send(new CreateThingCommand({ thingName, attributePayload: { attributes: { organizationId } } }));
    } catch (err) {
      throw awsError('CreateThing', err);
    }
  }

  async createProvisioningClaim(): Promise<ProvisioningClaim> {
    try {
      const claim = await this.iot.send(new CreateProvisioningClaimCommand({ templateName: this.options.templateName }));
      if (!claim.certificateId || !claim.certificatePem || !claim.keyPair?.PrivateKey || !claim.expiration) {
        throw new Error('the response lacks the certificate, key or expiration');
      }
      return {
        certificateId: claim.certificateId,
        certificatePem: claim.certificatePem,
        privateKeyPem: claim.keyPair.PrivateKey,
        rootCaPem: this.options.rootCaPem,
        expiresAt: claim.expiration,
        endpoint: { host: await this.dataEndpoint(), port: 8883 },
        templateName: this.options.templateName,
      };
    } catch (err) {
      throw err instanceof DomainError ? err : awsError('CreateProvisioningClaim', err);
    }
  }

  async decommissionThing(thingName: string): Promise<void> {
    try {
      const { principals = [] } = await this.iot.send(new ListThingPrincipalsCommand({ thingName }));
      for (const principal of principals) {
        const certificateId = principal.split('/').pop()!;
        await this.iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'REVOKED' }));
        await this.iot.send(new DetachThingPrincipalCommand({ thingName, principal }));
      }
      // Revoked certificates cannot reconnect; the live session is dropped explicitly.
      try {
        await this.data.send(new DeleteConnectionCommand({ clientId: thingName, preventWillMessage: true }));
      } catch (err) {
        if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err; // not connected
      }
      await this.iot.send(new DeleteThingCommand({ thingName }));
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return; // already gone: idempotent
      throw awsError('decommission', err);
    }
  }

  private async dataEndpoint(): Promise<string> {
    this.endpoint ??= (await this.iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }))).endpointAddress;
    if (!this.endpoint) throw new Error('DescribeEndpoint returned no address');
    return this.endpoint;
  }
}
