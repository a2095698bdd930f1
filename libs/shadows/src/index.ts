export { DeviceShadowsModule } from './shadows.module';
export { ShadowManagementService } from './shadow-management.service';
export { ShadowDeviceApi } from './shadow-device-api.service';
export type { ShadowUpdateResult } from './shadow-device-api.service';
