import { Module } from '@nestjs/common';
import { SecretsModule } from '@edgefleet/secrets';
import { AccessKeyService } from './access-key.service';
import { AccessRevocations } from './access-revocations';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyService } from './api-key.service';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { InstallationService } from './installation.service';
import { OrganizationRepository } from './organization.repository';
import { OrganizationService } from './organization.service';
import { RequestAdmission } from './request-admission.service';

@Module({
  providers: [ApiKeyService, AuditService, OrganizationService, InstallationService, AccessRevocations, OrganizationRepository, ApiKeyRepository, AuditRepository],
  // ApiKeyRepository: for AccessModule's access keys (API keys too), in this library.
  exports: [ApiKeyService, AuditService, OrganizationService, InstallationService, ApiKeyRepository],
})
export class OrganizationsModule {}

/** The edges' access: access keys for SigV4-signed APIs (their secrets in the secret store) and the admission of every request. */
@Module({
  imports: [OrganizationsModule, SecretsModule],
  providers: [AccessKeyService, RequestAdmission],
  exports: [OrganizationsModule, AccessKeyService, RequestAdmission],
})
export class AccessModule {}
