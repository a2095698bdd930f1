import { CreateRoleAliasCommand, DeleteRoleAliasCommand, DescribeEndpointCommand, type IoTClient, UpdateRoleAliasCommand } from '@aws-sdk/client-iot';
import { publicBaseUrl } from '@edgefleet/artifacts';
import type { Config } from '@edgefleet/config';
import { DomainError } from '@edgefleet/domain';
import { gatewayEndpoint } from './local-iot.backend';

export interface RoleAliasSpec {
  roleAlias: string;
  roleArn: string | null;
  credentialDurationSeconds: number;
}

/** Where devices get temporary credentials, and what they are for. */
export interface CredentialsEndpoints {
  /** https://host[:port] of the credentials provider. */
  credentialsProvider: string;
  s3Endpoint: string;
}

/**
 * Who issues devices' temporary credentials. Locally, EdgeFleet's gateways (role aliases live in
 * EdgeFleet's rows only) for its S3-compatible endpoint; with IOT_BACKEND=aws, AWS IoT's credentials
 * provider, for the IAM role of an AWS IoT role alias kept alongside, and Amazon S3.
 */
export abstract class CredentialsBackend {
  abstract created(spec: RoleAliasSpec): Promise<void>;
  abstract updated(spec: RoleAliasSpec): Promise<void>;
  abstract deleted(roleAlias: string): Promise<void>;
  abstract endpoints(): Promise<CredentialsEndpoints>;
}

export class LocalCredentials extends CredentialsBackend {
  constructor(private readonly config: Config) {
    super();
  }

  async created(): Promise<void> {}
  async updated(): Promise<void> {}
  async deleted(): Promise<void> {}

  async endpoints(): Promise<CredentialsEndpoints> {
    return { credentialsProvider: `https://${gatewayEndpoint(this.config).host}:${this.config.CREDENTIALS_PROVIDER_PORT}`, s3Endpoint: `${publicBaseUrl(this.config)}/s3` };
  }
}

export class AwsCredentials extends CredentialsBackend {
  private provider?: string;

  constructor(
    private readonly iot: IoTClient,
    private readonly region: string,
  ) {
    super();
  }

  /** The account's credentials provider (DescribeEndpoint, once), and Amazon S3 of the region. */
  async endpoints(): Promise<CredentialsEndpoints> {
    this.provider ??= (await this.iot.send(new DescribeEndpointCommand({ endpointType: 'iot:CredentialProvider' }))).endpointAddress;
    if (!this.provider) throw new DomainError('UPSTREAM_FAILED', 'AWS IoT named no credentials provider endpoint (DescribeEndpoint iot:CredentialProvider).');
    return { credentialsProvider: `https://${this.provider}`, s3Endpoint: `https://s3.${this.region}.amazonaws.com` };
  }

  private static roleArnOf(spec: RoleAliasSpec): string {
    if (!spec.roleArn) throw new DomainError('INVALID_ARGUMENT', 'roleArn: with IOT_BACKEND=aws a role alias stands for an IAM role (its trust policy allowing credentials.iot.amazonaws.com); name it.', { field: 'roleArn' });
    return spec.roleArn;
  }

  async created(spec: RoleAliasSpec): Promise<void> {
    await this.iot.send(new CreateRoleAliasCommand({ roleAlias: spec.roleAlias, roleArn: AwsCredentials.roleArnOf(spec), credentialDurationSeconds: spec.credentialDurationSeconds }));
  }

  async updated(spec: RoleAliasSpec): Promise<void> {
    await this.iot.send(new UpdateRoleAliasCommand({ roleAlias: spec.roleAlias, roleArn: AwsCredentials.roleArnOf(spec), credentialDurationSeconds: spec.credentialDurationSeconds }));
  }

  async deleted(roleAlias: string): Promise<void> {
    await this.iot.send(new DeleteRoleAliasCommand({ roleAlias }));
  }
}
