-- Deployment rollouts: their jobs are application instances.
ALTER TYPE "DeviceJobType" ADD VALUE 'DEPLOY_APPLICATION';
ALTER TABLE "ApplicationInstance" ADD COLUMN "rolloutId" UUID;
CREATE INDEX "ApplicationInstance_rolloutId_idx" ON "ApplicationInstance"("rolloutId");
