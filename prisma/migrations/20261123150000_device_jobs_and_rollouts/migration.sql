-- CreateEnum
CREATE TYPE "JobExecutionStatus" AS ENUM ('QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED', 'REMOVED');

-- AlterTable
ALTER TABLE "Device" ADD COLUMN     "systemReportedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "DeviceJob" ADD COLUMN     "executionStatus" "JobExecutionStatus" NOT NULL DEFAULT 'QUEUED',
ADD COLUMN     "maxAttempts" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "rebootFromSession" TEXT,
ADD COLUMN     "timeouts" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Rollout" ADD COLUMN     "completedAt" TIMESTAMP(3),
ADD COLUMN     "startedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "SoftwareImage" ADD COLUMN     "uploadedAt" TIMESTAMP(3);

-- CreateIndex
CREATE UNIQUE INDEX "DeviceJob_rolloutId_deviceId_key" ON "DeviceJob"("rolloutId", "deviceId");


