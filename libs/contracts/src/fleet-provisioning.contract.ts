import { z } from 'zod';

/** AWS IoT fleet provisioning MQTT API (by claim), JSON payload format. */
export const CREATE_CERTIFICATE_FROM_CSR_TOPIC = '$aws/certificates/create-from-csr/json';
export const CREATE_KEYS_AND_CERTIFICATE_TOPIC = '$aws/certificates/create/json';
export const registerThingTopic = (templateName: string) => `$aws/provisioning-templates/${templateName}/provision/json`;
export const REGISTER_THING_TOPIC = /^\$aws\/provisioning-templates\/([^/#+]+)\/provision\/json$/;

export const accepted = (topic: string) => `${topic}/accepted`;
export const rejected = (topic: string) => `${topic}/rejected`;

// The topic's parameters the AWS SDK repeats in the body (templateName) are checked by the gateway, not here.
export const createCertificateFromCsrRequest = z.object({
  certificateSigningRequest: z.string().min(1).max(16_384),
});

export const createKeysAndCertificateRequest = z.object({});

export const registerThingRequest = z.object({
  certificateOwnershipToken: z.string().min(1).max(4096),
  parameters: z.record(z.string(), z.string().max(2048)).optional(),
});

export interface CreateCertificateFromCsrAccepted {
  certificateId: string;
  certificatePem: string;
  certificateOwnershipToken: string;
}

export interface CreateKeysAndCertificateAccepted extends CreateCertificateFromCsrAccepted {
  privateKey: string;
}

export interface RegisterThingAccepted {
  thingName: string;
  deviceConfiguration: Record<string, string>;
}

/** The `/rejected` payload of every AWS IoT MQTT API. */
export interface ErrorResponse {
  statusCode: number;
  errorCode: string;
  errorMessage: string;
}
