export { DeviceShadowsModule } from './shadows.module';
export { ShadowManagementService } from './shadow-management.service';
