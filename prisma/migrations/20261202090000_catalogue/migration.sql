-- Camera streams, packages and their assets: the catalogue a deployment needs.
ALTER TABLE "CameraStream" ADD COLUMN "jobTags" JSONB NOT NULL DEFAULT '{}',
  ADD COLUMN "packageId" TEXT;
CREATE INDEX "CameraStream_organizationId_createdAt_idx" ON "CameraStream"("organizationId", "createdAt");

CREATE TABLE "NodeFromTemplateJobEvent" (
    "id" BIGSERIAL NOT NULL,
    "jobId" TEXT NOT NULL,
    "from" TEXT,
    "to" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NodeFromTemplateJobEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "NodeFromTemplateJobEvent_jobId_at_idx" ON "NodeFromTemplateJobEvent"("jobId", "at");
CREATE INDEX "NodeFromTemplateJobEvent_at_idx" ON "NodeFromTemplateJobEvent"("at");
ALTER TABLE "NodeFromTemplateJobEvent" ADD CONSTRAINT "NodeFromTemplateJobEvent_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "CameraStream"("jobId") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "PackageAsset" (
    "id" UUID NOT NULL,
    "packageId" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "uploadedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PackageAsset_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PackageAsset_packageId_sha256_key" ON "PackageAsset"("packageId", "sha256");
ALTER TABLE "PackageAsset" ADD CONSTRAINT "PackageAsset_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "Package"("packageId") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "PackageVersion" ADD COLUMN "registeredTime" TIMESTAMP(3);
