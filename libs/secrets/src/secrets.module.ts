import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Module } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { AwsSecretStore } from './aws-secret.store';
import { LocalSecretStore, loadMasterKey } from './local-secret.store';
import { SecretRepository } from './secret.repository';
import { SecretStore } from './secret.store';

/** Provides SecretStore with the adapter SECRETS_BACKEND names; nothing else reads it. */
@Module({
  providers: [
    SecretRepository,
    {
      provide: SecretStore,
      inject: [CONFIG, SecretRepository],
      useFactory: (config: Config, secrets: SecretRepository): SecretStore =>
        config.SECRETS_BACKEND === 'aws'
          ? new AwsSecretStore(new SecretsManagerClient({ region: config.AWS_REGION }))
          : new LocalSecretStore(secrets, loadMasterKey(config)),
    },
  ],
  exports: [SecretStore],
})
export class SecretsModule {}
