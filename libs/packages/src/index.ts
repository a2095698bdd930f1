export { PackagesModule } from './packages.module';
export { PackageService } from './package.service';
export type { PackageVersionView, PackageView } from './package.service';
export { PACKAGE_FILES, PackageFiles, assetDownloadPath, assetUploadPath } from './package-files.service';
export type { PackageAssetView } from './package-files.service';
export { MAX_MANIFEST_PAYLOAD_CHARS, PackageCatalogue } from './package-catalogue.service';
export type { ManifestValidation, NodeCategory, NodeView } from './package-catalogue.service';
export { PACKAGE_BUCKET, PackageImportService } from './package-import.service';
export type { PackageImportInput } from './package-import.service';
