import { Module } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { Clock } from '@edgefleet/runtime';
import { ArtifactStore } from './artifact.store';
import { UrlSigner } from './url.signer';

/** The blob store under DATA_DIR and the URL signer, shared by software images and package assets. */
@Module({
  providers: [
    { provide: ArtifactStore, inject: [CONFIG], useFactory: (config: Config) => new ArtifactStore(config.DATA_DIR) },
    { provide: UrlSigner, inject: [CONFIG, Clock], useFactory: (config: Config, clock: Clock) => new UrlSigner(config, clock) },
  ],
  exports: [ArtifactStore, UrlSigner],
})
export class ArtifactsModule {}
