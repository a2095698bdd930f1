export { JobsModule } from './jobs.module';
export { SoftwareImageService, downloadPath, uploadPath } from './software-image.service';
export { JobManagementService } from './job-management.service';
export { JobsDeviceApi } from './jobs-device-api.service';
export { JobSweeper } from './job-sweeper.service';
export { RolloutService } from './rollout.service';
export { RolloutAdvancer } from './rollout-advancer.service';
export type { RolloutInput, RolloutView } from './rollout.service';
export { JobEventsPublisher, jobsUpdatedChannel } from './job-events.publisher';
export type { JobsUpdated } from './job-events.publisher';
// Moved to @edgefleet/artifacts; still offered here for callers that sign image URLs through the jobs API (e2e/ota).
export { RolloutDeployments } from './rollout-deployments.port';
export type { DeploymentConfig } from './rollout-deployments.port';
