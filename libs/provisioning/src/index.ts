export { ProvisioningModule } from './provisioning.module';
export { ProvisioningService } from './provisioning.service';
export type { ProvisionedDevice } from './provisioning.service';
export { FleetProvisioningService } from './fleet-provisioning.service';
export { ClaimCertificates } from './claim-certificates.service';
export type { ClaimIdentity } from './claim-certificates.service';
export { DeviceAuthentication } from './device-authentication.service';
export type { DeviceIdentity } from './device-authentication.service';
