import { Module } from '@nestjs/common';
import { SecretsModule } from '@edgefleet/secrets';
import { AccessKeyService } from './access-key.service';
import { AccessRevocations } from './access-revocations';
import { ApiKeyService } from './api-key.service';
import { AuditService } from './audit.service';
import { OrganizationService } from './organization.service';
import { RequestAdmission } from './request-admission.service';

@Module({
  providers: [ApiKeyService, AuditService, OrganizationService, AccessRevocations],
  exports: [ApiKeyService, AuditService, OrganizationService],
})
export class OrganizationsModule {}

/** The edges' access: access keys for SigV4-signed APIs (their secrets in the secret store) and the admission of every request. */
@Module({
  imports: [OrganizationsModule, SecretsModule],
  providers: [AccessKeyService, RequestAdmission],
  exports: [OrganizationsModule, AccessKeyService, RequestAdmission],
})
export class AccessModule {}
