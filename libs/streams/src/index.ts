export { StreamsModule } from './streams.module';
export { CameraStreamService, TEMPLATE_TYPE, cameraPackageManifest, cameraSecretName } from './camera-stream.service';
export type { CreateCameraInput, NodeFromTemplateJobView } from './camera-stream.service';
