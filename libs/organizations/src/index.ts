export { OrganizationsModule } from './organizations.module';
export { ApiKeyService } from './api-key.service';
export { AuditService } from './audit.service';
export type { AuditEntry } from './audit.service';
export { OrganizationService } from './organization.service';
export type { Principal } from './principal';
export { actorOf } from './principal';
