export { ProvisioningModule } from './provisioning.module';
export { ProvisioningService } from './provisioning.service';
export type { ProvisionedDevice } from './provisioning.service';
export { FleetProvisioningService } from './fleet-provisioning.service';
export type { ClaimIdentity } from './fleet-provisioning.service';
