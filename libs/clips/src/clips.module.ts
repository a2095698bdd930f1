import { Module } from '@nestjs/common';
import { ArtifactsModule } from '@edgefleet/artifacts';
import { OrganizationsModule } from '@edgefleet/organizations';
import { PackagesModule } from '@edgefleet/packages';
import { ClipRepository } from './clip.repository';
import { ClipService } from './clip.service';

/** Camera clips devices upload to the clips bucket, for operators to find and play. */
@Module({ imports: [ArtifactsModule, OrganizationsModule, PackagesModule], providers: [ClipRepository, ClipService], exports: [ClipService] })
export class ClipsModule {}
