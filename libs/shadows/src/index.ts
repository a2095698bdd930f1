export { DeviceShadowsModule, ShadowsModule } from './shadows.module';
export { ShadowService } from './shadow.service';
export type { ShadowUpdateResult } from './shadow.service';
export { DeviceShadowService } from './device-shadow.service';
