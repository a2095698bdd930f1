import { Module } from '@nestjs/common';
import { ArtifactsModule } from '@edgefleet/artifacts';
import { OrganizationsModule } from '@edgefleet/organizations';
import { PackageCatalogue } from './package-catalogue.service';
import { PackageService } from './package.service';

/** Packages, their versions and files, and the catalogue application manifests are checked against. */
@Module({
  imports: [OrganizationsModule, ArtifactsModule],
  providers: [PackageService, PackageCatalogue],
  exports: [PackageService, PackageCatalogue],
})
export class PackagesModule {}
