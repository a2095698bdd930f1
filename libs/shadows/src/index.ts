export { DeviceShadowsModule } from './shadows.module';
export { DeviceShadowService } from './device-shadow.service';
