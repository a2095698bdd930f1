export { SecretStore, assertSecretName } from './secret.store';
export type { SecretMetadata } from './secret.store';
export { LocalSecretStore, loadMasterKey } from './local-secret.store';
export { AwsSecretStore, awsSecretId } from './aws-secret.store';
export { SecretsModule } from './secrets.module';
