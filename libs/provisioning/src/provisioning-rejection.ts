import type { ErrorResponse } from '@edgefleet/contracts';

/** A refusal of an AWS IoT MQTT API request: becomes the `/rejected` payload. */
export class ProvisioningRejection extends Error {
  override name = 'ProvisioningRejection';
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }

  toResponse(): ErrorResponse {
    return { statusCode: this.statusCode, errorCode: this.errorCode, errorMessage: this.message };
  }
}

export const rejection = {
  invalidPayload: (msg: string) => new ProvisioningRejection(400, 'InvalidPayload', msg),
  invalidCsr: (msg: string) => new ProvisioningRejection(400, 'InvalidCertificateSigningRequest', msg),
  invalidToken: (msg: string) => new ProvisioningRejection(400, 'InvalidCertificateOwnershipToken', msg),
  claimUsed: () => new ProvisioningRejection(403, 'ClaimAlreadyUsed', 'This provisioning claim was already used to register a device; claims work once. Create a new bundle.'),
  claimExpired: () => new ProvisioningRejection(403, 'ClaimExpired', 'This provisioning claim has expired (bundles last 5 minutes). Create a new bundle.'),
  deviceNotProvisionable: (status: string) =>
    new ProvisioningRejection(403, 'DeviceNotProvisionable', `The device is ${status}; it cannot be provisioned with this claim. Create a new bundle.`),
  templateNotFound: (name: string) => new ProvisioningRejection(404, 'ResourceNotFound', `Provisioning template ${name} does not exist.`),
  tooLarge: (limit: number) => new ProvisioningRejection(413, 'PayloadTooLarge', `The payload is larger than ${limit} bytes.`),
};
