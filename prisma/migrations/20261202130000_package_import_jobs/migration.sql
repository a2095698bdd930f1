-- Panorama package import jobs.
CREATE TABLE "PackageImportJob" (
    "jobId" TEXT NOT NULL,
    "organizationId" UUID NOT NULL,
    "clientToken" TEXT NOT NULL,
    "jobType" TEXT NOT NULL,
    "inputConfig" JSONB NOT NULL,
    "outputConfig" JSONB NOT NULL,
    "jobTags" JSONB NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL,
    "statusMessage" TEXT NOT NULL,
    "output" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "PackageImportJob_pkey" PRIMARY KEY ("jobId")
);
CREATE UNIQUE INDEX "PackageImportJob_organizationId_clientToken_key" ON "PackageImportJob"("organizationId", "clientToken");
CREATE INDEX "PackageImportJob_organizationId_createdAt_idx" ON "PackageImportJob"("organizationId", "createdAt");
ALTER TABLE "PackageImportJob" ADD CONSTRAINT "PackageImportJob_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
