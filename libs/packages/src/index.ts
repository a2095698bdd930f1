export { PackagesModule } from './packages.module';
export { PACKAGE_FILES, PackageService, assetDownloadPath, assetUploadPath } from './package.service';
export type { PackageAssetView, PackageVersionView, PackageView } from './package.service';
export { MAX_MANIFEST_PAYLOAD_CHARS, PackageCatalogue } from './package-catalogue.service';
export type { ManifestValidation, NodeCategory, NodeView } from './package-catalogue.service';
export { PACKAGE_BUCKET, PackageImportService } from './package-import.service';
export type { PackageImportInput } from './package-import.service';
