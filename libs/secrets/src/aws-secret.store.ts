import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DomainError, notFound } from '@edgefleet/domain';
import { type SecretMetadata, SecretStore, assertSecretName } from './secret.store';

/** The organization is part of the id, so IAM policies can scope a process to `edgefleet/<org>/*`. */
export const awsSecretId = (organizationId: string, name: string) => `edgefleet/${organizationId}/${name}`;

/** Secrets in AWS Secrets Manager, one secret per (organization, name), the value as a JSON SecretString. */
export class AwsSecretStore extends SecretStore {
  constructor(private readonly client: SecretsManagerClient) {
    super();
  }

  async put(organizationId: string, name: string, value: Record<string, string>): Promise<SecretMetadata> {
    assertSecretName(name);
    const SecretId = awsSecretId(organizationId, name);
    const SecretString = JSON.stringify(value);
    try {
      await this.client.send(new CreateSecretCommand({ Name: SecretId, SecretString }));
    } catch (err) {
      if (!(err instanceof ResourceExistsException)) throw awsError('CreateSecret', err);
      await this.client.send(new PutSecretValueCommand({ SecretId, SecretString })).catch((e) => {
        throw awsError('PutSecretValue', e);
      });
    }
    const metadata = await this.describe(organizationId, name);
    if (!metadata) throw new DomainError('UPSTREAM_FAILED', `Secret ${name} was written but Secrets Manager does not describe it yet; retry.`, { name });
    return metadata;
  }

  async get(organizationId: string, name: string): Promise<Record<string, string>> {
    assertSecretName(name);
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: awsSecretId(organizationId, name) }));
      return JSON.parse(out.SecretString ?? '') as Record<string, string>;
    } catch (err) {
      if (err instanceof ResourceNotFoundException) throw notFound('Secret', name);
      // A JSON.parse error would quote the value; say only what is wrong.
      if (err instanceof SyntaxError) throw new DomainError('UPSTREAM_FAILED', `Secret ${name} in Secrets Manager is not a JSON object; it was not written by EdgeFleet.`, { name });
      throw awsError('GetSecretValue', err);
    }
  }

  async describe(organizationId: string, name: string): Promise<SecretMetadata | undefined> {
    assertSecretName(name);
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: awsSecretId(organizationId, name) }));
      // A secret scheduled for deletion (by someone else, without force) is as good as gone.
      if (out.DeletedDate || !out.CreatedDate) return undefined;
      return { name, createdAt: out.CreatedDate, updatedAt: out.LastChangedDate ?? out.CreatedDate };
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return undefined;
      throw awsError('DescribeSecret', err);
    }
  }

  async delete(organizationId: string, name: string): Promise<void> {
    assertSecretName(name);
    try {
      // No recovery window: the name is free again within seconds, not after 7 to 30 days.
      await this.client.send(new DeleteSecretCommand({ SecretId: awsSecretId(organizationId, name), ForceDeleteWithoutRecovery: true }));
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw awsError('DeleteSecret', err);
    }
  }
}

// AWS error messages name the secret, never its value.
function awsError(operation: string, err: unknown): DomainError {
  const e = err as { name?: string; message?: string };
  return new DomainError('UPSTREAM_FAILED', `Secrets Manager ${operation} failed: ${e.name}: ${e.message}`);
}
