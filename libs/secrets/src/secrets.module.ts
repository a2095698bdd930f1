import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Module } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { PrismaService } from '@edgefleet/db';
import { AwsSecretStore } from './aws-secret.store';
import { LocalSecretStore, loadMasterKey } from './local-secret.store';
import { SecretStore } from './secret.store';

/** Provides SecretStore with the adapter SECRETS_BACKEND names; nothing else reads it. */
@Module({
  providers: [
    {
      provide: SecretStore,
      inject: [CONFIG, PrismaService],
      useFactory: (config: Config, prisma: PrismaService): SecretStore =>
        config.SECRETS_BACKEND === 'aws'
          ? new AwsSecretStore(new SecretsManagerClient({ region: config.AWS_REGION }))
          : new LocalSecretStore(prisma, loadMasterKey(config)),
    },
  ],
  exports: [SecretStore],
})
export class SecretsModule {}
