export { ClipsModule } from './clips.module';
export { ClipService, clipContentPath } from './clip.service';
export type { ClipRetention, ClipView, ClipWriter, StoredClipObject } from './clip.service';
