export { ShadowsModule } from './shadows.module';
export { ShadowService } from './shadow.service';
export type { ShadowUpdateResult } from './shadow.service';
