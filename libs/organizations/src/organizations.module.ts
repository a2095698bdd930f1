import { Module } from '@nestjs/common';
import { ApiKeyService } from './api-key.service';
import { AuditService } from './audit.service';
import { OrganizationService } from './organization.service';

@Module({
  providers: [ApiKeyService, AuditService, OrganizationService],
  exports: [ApiKeyService, AuditService, OrganizationService],
})
export class OrganizationsModule {}
