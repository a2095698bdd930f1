import { Module } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { ArtifactStore } from './artifact.store';
import { UrlSigner } from './url.signer';

/** The blob store under DATA_DIR and the URL signer, shared by software images and package assets. */
@Module({
  providers: [
    { provide: ArtifactStore, inject: [CONFIG], useFactory: (config: Config) => new ArtifactStore(config.DATA_DIR) },
    { provide: UrlSigner, inject: [CONFIG], useFactory: (config: Config) => new UrlSigner(config) },
  ],
  exports: [ArtifactStore, UrlSigner],
})
export class ArtifactsModule {}
