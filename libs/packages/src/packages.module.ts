import { Module } from '@nestjs/common';
import { PackageImportService } from './package-import.service';
import { ArtifactsModule } from '@edgefleet/artifacts';
import { OrganizationsModule } from '@edgefleet/organizations';
import { PackageCatalogue } from './package-catalogue.service';
import { PackageService } from './package.service';

/** Packages, their versions and files, and the catalogue application manifests are checked against. */
@Module({
  imports: [OrganizationsModule, ArtifactsModule],
  providers: [PackageService, PackageCatalogue, PackageImportService],
  exports: [PackageService, PackageCatalogue, PackageImportService],
})
export class PackagesModule {}
