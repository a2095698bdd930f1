-- Role aliases (AWS IoT's credentials provider) and the camera clips devices upload with their temporary credentials.
CREATE TABLE "RoleAlias" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "roleAlias" TEXT NOT NULL,
    "roleArn" TEXT,
    "policyDocument" JSONB NOT NULL,
    "credentialDurationSeconds" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "RoleAlias_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "RoleAlias_organizationId_roleAlias_key" ON "RoleAlias"("organizationId", "roleAlias");
ALTER TABLE "RoleAlias" ADD CONSTRAINT "RoleAlias_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "Clip" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "objectKey" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "camera" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "uploadedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Clip_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Clip_organizationId_objectKey_key" ON "Clip"("organizationId", "objectKey");
CREATE INDEX "Clip_organizationId_deviceId_camera_startedAt_idx" ON "Clip"("organizationId", "deviceId", "camera", "startedAt");
ALTER TABLE "Clip" ADD CONSTRAINT "Clip_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
