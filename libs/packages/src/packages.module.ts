import { Module } from '@nestjs/common';
import { ArtifactsModule } from '@edgefleet/artifacts';
import { OrganizationsModule } from '@edgefleet/organizations';
import { MultipartUploads } from './multipart-uploads.service';
import { PackageCatalogue } from './package-catalogue.service';
import { PackageFiles } from './package-files.service';
import { PackageImportService } from './package-import.service';
import { PackageObjects } from './package-objects.service';
import { PackageRepository } from './package.repository';
import { PackageService } from './package.service';

/** Packages, their versions and files, and the catalogue application manifests are checked against. */
@Module({
  imports: [OrganizationsModule, ArtifactsModule],
  providers: [PackageRepository, PackageService, PackageFiles, PackageObjects, PackageCatalogue, PackageImportService, MultipartUploads],
  exports: [PackageService, PackageFiles, PackageObjects, PackageCatalogue, PackageImportService, MultipartUploads],
})
export class PackagesModule {}
