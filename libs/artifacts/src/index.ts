export { ArtifactStore } from './artifact.store';
export type { ByteRange, PutOptions, StoredArtifact } from './artifact.store';
export { UrlSigner, longestSignedUrl, publicBaseUrl } from './url.signer';
export { ArtifactsModule } from './artifacts.module';
