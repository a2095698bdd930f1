import { Module } from '@nestjs/common';
import { OrganizationsModule } from '@edgefleet/organizations';
import { PackagesModule } from '@edgefleet/packages';
import { SecretsModule } from '@edgefleet/secrets';
import { CameraStreamRepository } from './camera-stream.repository';
import { CameraStreamService } from './camera-stream.service';

/** Camera streams (CreateNodeFromTemplateJob), their credentials in the secret store, and the worker that makes their packages. */
@Module({
  imports: [OrganizationsModule, PackagesModule, SecretsModule],
  providers: [CameraStreamRepository, CameraStreamService],
  exports: [CameraStreamService],
})
export class StreamsModule {}
