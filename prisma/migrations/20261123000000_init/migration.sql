-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ApiKeyRole" AS ENUM ('VIEWER', 'OPERATOR', 'ADMIN');

-- CreateEnum
CREATE TYPE "ProvisioningStatus" AS ENUM ('AWAITING_PROVISIONING', 'PENDING', 'SUCCEEDED', 'FAILED', 'ERROR', 'DELETING');

-- CreateEnum
CREATE TYPE "DeviceConnectionStatus" AS ENUM ('ONLINE', 'OFFLINE', 'AWAITING_CREDENTIALS', 'NOT_AVAILABLE', 'ERROR');

-- CreateEnum
CREATE TYPE "DeviceType" AS ENUM ('PANORAMA_APPLIANCE_DEVELOPER_KIT', 'PANORAMA_APPLIANCE');

-- CreateEnum
CREATE TYPE "DeviceBrand" AS ENUM ('AWS_PANORAMA', 'LENOVO');

-- CreateEnum
CREATE TYPE "CertificateKind" AS ENUM ('CLAIM', 'DEVICE', 'SERVER');

-- CreateEnum
CREATE TYPE "CertificateStatus" AS ENUM ('ACTIVE', 'REVOKED');

-- CreateEnum
CREATE TYPE "DeviceJobType" AS ENUM ('OTA', 'REBOOT');

-- CreateEnum
CREATE TYPE "DeviceJobStatus" AS ENUM ('PENDING', 'IN_PROGRESS', 'DOWNLOADING', 'VERIFYING', 'REBOOTING', 'COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT', 'REJECTED');

-- CreateEnum
CREATE TYPE "RolloutStatus" AS ENUM ('DRY_RUN', 'PENDING', 'IN_PROGRESS', 'PAUSED', 'COMPLETED', 'ABORTED', 'CANCELED');

-- CreateEnum
CREATE TYPE "NodeFromTemplateJobStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "PackageVersionStatus" AS ENUM ('REGISTER_PENDING', 'REGISTER_COMPLETED', 'FAILED', 'DELETING');

-- CreateEnum
CREATE TYPE "ApplicationInstanceStatus" AS ENUM ('DEPLOYMENT_PENDING', 'DEPLOYMENT_REQUESTED', 'DEPLOYMENT_IN_PROGRESS', 'DEPLOYMENT_ERROR', 'DEPLOYMENT_SUCCEEDED', 'REMOVAL_PENDING', 'REMOVAL_REQUESTED', 'REMOVAL_IN_PROGRESS', 'REMOVAL_FAILED', 'REMOVAL_SUCCEEDED', 'DEPLOYMENT_FAILED');

-- CreateEnum
CREATE TYPE "ApplicationInstanceHealthStatus" AS ENUM ('RUNNING', 'ERROR', 'NOT_AVAILABLE');

-- CreateEnum
CREATE TYPE "NodeInstanceStatus" AS ENUM ('RUNNING', 'ERROR', 'NOT_AVAILABLE', 'PAUSED');

-- CreateTable
CREATE TABLE "Organization" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "quotas" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ApiKeyRole" NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT,
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "organizationId" UUID NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "requestId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Device" (
    "deviceId" TEXT NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "type" "DeviceType" NOT NULL DEFAULT 'PANORAMA_APPLIANCE',
    "brand" "DeviceBrand" NOT NULL DEFAULT 'AWS_PANORAMA',
    "serialNumber" TEXT,
    "provisioningStatus" "ProvisioningStatus" NOT NULL DEFAULT 'AWAITING_PROVISIONING',
    "provisioningStatusReason" TEXT,
    "deviceConnectionStatus" "DeviceConnectionStatus" NOT NULL DEFAULT 'AWAITING_CREDENTIALS',
    "currentSoftware" TEXT,
    "currentNetworkingStatus" JSONB,
    "networkingConfiguration" JSONB,
    "leaseExpirationTime" TIMESTAMP(3),
    "tags" JSONB NOT NULL DEFAULT '{}',
    "lastSeenAt" TIMESTAMP(3),
    "keepAliveSeconds" INTEGER,
    "systemShadowVersion" INTEGER NOT NULL DEFAULT 0,
    "nextJobNumber" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Device_pkey" PRIMARY KEY ("deviceId")
);

-- CreateTable
CREATE TABLE "DeviceEvent" (
    "id" BIGSERIAL NOT NULL,
    "deviceId" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "from" TEXT,
    "to" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeviceEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Certificate" (
    "certificateId" TEXT NOT NULL,
    "organizationId" UUID,
    "deviceId" TEXT,
    "kind" "CertificateKind" NOT NULL,
    "serialNumber" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "certificatePem" TEXT NOT NULL,
    "status" "CertificateStatus" NOT NULL DEFAULT 'ACTIVE',
    "notBefore" TIMESTAMP(3) NOT NULL,
    "notAfter" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "ownershipTokenHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "revokedReason" TEXT,

    CONSTRAINT "Certificate_pkey" PRIMARY KEY ("certificateId")
);

-- CreateTable
CREATE TABLE "SoftwareImage" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "releaseNotes" TEXT,
    "majorVersionUpdate" BOOLEAN NOT NULL DEFAULT false,
    "sha256" TEXT,
    "size" BIGINT,
    "storageKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SoftwareImage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeviceJob" (
    "jobId" TEXT NOT NULL,
    "organizationId" UUID NOT NULL,
    "deviceId" TEXT NOT NULL,
    "rolloutId" UUID,
    "jobType" "DeviceJobType" NOT NULL,
    "imageVersion" TEXT,
    "allowMajorVersionUpdate" BOOLEAN NOT NULL DEFAULT false,
    "status" "DeviceJobStatus" NOT NULL DEFAULT 'PENDING',
    "statusDetails" JSONB NOT NULL DEFAULT '{}',
    "statusReason" TEXT,
    "executionNumber" INTEGER NOT NULL DEFAULT 1,
    "versionNumber" INTEGER NOT NULL DEFAULT 1,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "timeoutAt" TIMESTAMP(3),

    CONSTRAINT "DeviceJob_pkey" PRIMARY KEY ("jobId")
);

-- CreateTable
CREATE TABLE "DeviceJobEvent" (
    "id" BIGSERIAL NOT NULL,
    "jobId" TEXT NOT NULL,
    "from" TEXT,
    "to" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeviceJobEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Rollout" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "jobType" "DeviceJobType" NOT NULL,
    "deviceJobConfig" JSONB NOT NULL DEFAULT '{}',
    "target" JSONB NOT NULL,
    "waves" JSONB NOT NULL,
    "abortConfig" JSONB,
    "timeouts" JSONB,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "maintenanceWindow" JSONB,
    "status" "RolloutStatus" NOT NULL DEFAULT 'PENDING',
    "statusReason" TEXT,
    "currentWave" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Rollout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RolloutEvent" (
    "id" BIGSERIAL NOT NULL,
    "rolloutId" UUID NOT NULL,
    "from" TEXT,
    "to" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RolloutEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CameraStream" (
    "jobId" TEXT NOT NULL,
    "organizationId" UUID NOT NULL,
    "templateType" TEXT NOT NULL DEFAULT 'RTSP_CAMERA_STREAM',
    "nodeName" TEXT NOT NULL,
    "nodeDescription" TEXT,
    "outputPackageName" TEXT NOT NULL,
    "outputPackageVersion" TEXT NOT NULL,
    "streamUrl" TEXT NOT NULL,
    "secretId" TEXT NOT NULL,
    "status" "NodeFromTemplateJobStatus" NOT NULL DEFAULT 'PENDING',
    "statusMessage" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CameraStream_pkey" PRIMARY KEY ("jobId")
);

-- CreateTable
CREATE TABLE "Package" (
    "packageId" TEXT NOT NULL,
    "organizationId" UUID NOT NULL,
    "packageName" TEXT NOT NULL,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Package_pkey" PRIMARY KEY ("packageId")
);

-- CreateTable
CREATE TABLE "PackageVersion" (
    "id" UUID NOT NULL,
    "packageId" TEXT NOT NULL,
    "packageVersion" TEXT NOT NULL,
    "patchVersion" TEXT NOT NULL,
    "isLatestPatch" BOOLEAN NOT NULL DEFAULT false,
    "status" "PackageVersionStatus" NOT NULL DEFAULT 'REGISTER_PENDING',
    "statusDescription" TEXT,
    "descriptor" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PackageVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApplicationInstance" (
    "applicationInstanceId" TEXT NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT,
    "description" TEXT,
    "defaultRuntimeContextDevice" TEXT NOT NULL,
    "manifestPayload" JSONB NOT NULL,
    "manifestOverridesPayload" JSONB,
    "runtimeRoleArn" TEXT,
    "applicationInstanceIdToReplace" TEXT,
    "status" "ApplicationInstanceStatus" NOT NULL DEFAULT 'DEPLOYMENT_PENDING',
    "healthStatus" "ApplicationInstanceHealthStatus" NOT NULL DEFAULT 'NOT_AVAILABLE',
    "statusDescription" TEXT,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApplicationInstance_pkey" PRIMARY KEY ("applicationInstanceId")
);

-- CreateTable
CREATE TABLE "ApplicationInstanceEvent" (
    "id" BIGSERIAL NOT NULL,
    "applicationInstanceId" TEXT NOT NULL,
    "from" TEXT,
    "to" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApplicationInstanceEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NodeInstance" (
    "nodeInstanceId" TEXT NOT NULL,
    "applicationInstanceId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "packageName" TEXT NOT NULL,
    "packageVersion" TEXT NOT NULL,
    "packagePatchVersion" TEXT NOT NULL,
    "nodeName" TEXT NOT NULL,
    "currentStatus" "NodeInstanceStatus" NOT NULL DEFAULT 'NOT_AVAILABLE',

    CONSTRAINT "NodeInstance_pkey" PRIMARY KEY ("nodeInstanceId")
);

-- CreateTable
CREATE TABLE "Shadow" (
    "deviceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "desired" JSONB,
    "reported" JSONB,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shadow_pkey" PRIMARY KEY ("deviceId","name")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" BIGSERIAL NOT NULL,
    "queue" TEXT NOT NULL,
    "jobName" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatchedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Secret" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "iv" BYTEA NOT NULL,
    "authTag" BYTEA NOT NULL,
    "wrappedKey" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "Secret_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_name_key" ON "Organization"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Organization_accountId_key" ON "Organization"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_organizationId_idx" ON "ApiKey"("organizationId");

-- CreateIndex
CREATE INDEX "AuditEvent_organizationId_at_idx" ON "AuditEvent"("organizationId", "at");

-- CreateIndex
CREATE INDEX "Device_organizationId_createdAt_deviceId_idx" ON "Device"("organizationId", "createdAt", "deviceId");

-- CreateIndex
CREATE INDEX "Device_organizationId_provisioningStatus_idx" ON "Device"("organizationId", "provisioningStatus");

-- CreateIndex
CREATE INDEX "Device_organizationId_deviceConnectionStatus_idx" ON "Device"("organizationId", "deviceConnectionStatus");

-- CreateIndex
CREATE UNIQUE INDEX "Device_organizationId_name_key" ON "Device"("organizationId", "name");

-- CreateIndex
CREATE INDEX "DeviceEvent_deviceId_at_idx" ON "DeviceEvent"("deviceId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_serialNumber_key" ON "Certificate"("serialNumber");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_ownershipTokenHash_key" ON "Certificate"("ownershipTokenHash");

-- CreateIndex
CREATE INDEX "Certificate_deviceId_idx" ON "Certificate"("deviceId");

-- CreateIndex
CREATE INDEX "Certificate_status_kind_idx" ON "Certificate"("status", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "SoftwareImage_organizationId_version_key" ON "SoftwareImage"("organizationId", "version");

-- CreateIndex
CREATE INDEX "DeviceJob_organizationId_createdAt_idx" ON "DeviceJob"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "DeviceJob_deviceId_status_idx" ON "DeviceJob"("deviceId", "status");

-- CreateIndex
CREATE INDEX "DeviceJob_rolloutId_status_idx" ON "DeviceJob"("rolloutId", "status");

-- CreateIndex
CREATE INDEX "DeviceJob_status_timeoutAt_idx" ON "DeviceJob"("status", "timeoutAt");

-- CreateIndex
CREATE INDEX "DeviceJobEvent_jobId_at_idx" ON "DeviceJobEvent"("jobId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Rollout_organizationId_name_key" ON "Rollout"("organizationId", "name");

-- CreateIndex
CREATE INDEX "RolloutEvent_rolloutId_at_idx" ON "RolloutEvent"("rolloutId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "CameraStream_organizationId_outputPackageName_nodeName_key" ON "CameraStream"("organizationId", "outputPackageName", "nodeName");

-- CreateIndex
CREATE UNIQUE INDEX "Package_organizationId_packageName_key" ON "Package"("organizationId", "packageName");

-- CreateIndex
CREATE UNIQUE INDEX "PackageVersion_packageId_packageVersion_patchVersion_key" ON "PackageVersion"("packageId", "packageVersion", "patchVersion");

-- CreateIndex
CREATE INDEX "ApplicationInstance_defaultRuntimeContextDevice_status_idx" ON "ApplicationInstance"("defaultRuntimeContextDevice", "status");

-- CreateIndex
CREATE INDEX "ApplicationInstance_organizationId_createdAt_idx" ON "ApplicationInstance"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "ApplicationInstanceEvent_applicationInstanceId_at_idx" ON "ApplicationInstanceEvent"("applicationInstanceId", "at");

-- CreateIndex
CREATE INDEX "NodeInstance_applicationInstanceId_idx" ON "NodeInstance"("applicationInstanceId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_idempotencyKey_key" ON "OutboxMessage"("idempotencyKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_completedAt_createdAt_idx" ON "OutboxMessage"("completedAt", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Secret_organizationId_name_key" ON "Secret"("organizationId", "name");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Device" ADD CONSTRAINT "Device_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceEvent" ADD CONSTRAINT "DeviceEvent_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("deviceId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("deviceId") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SoftwareImage" ADD CONSTRAINT "SoftwareImage_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceJob" ADD CONSTRAINT "DeviceJob_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("deviceId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceJob" ADD CONSTRAINT "DeviceJob_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceJobEvent" ADD CONSTRAINT "DeviceJobEvent_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "DeviceJob"("jobId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rollout" ADD CONSTRAINT "Rollout_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutEvent" ADD CONSTRAINT "RolloutEvent_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CameraStream" ADD CONSTRAINT "CameraStream_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Package" ADD CONSTRAINT "Package_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PackageVersion" ADD CONSTRAINT "PackageVersion_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "Package"("packageId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationInstance" ADD CONSTRAINT "ApplicationInstance_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationInstance" ADD CONSTRAINT "ApplicationInstance_defaultRuntimeContextDevice_fkey" FOREIGN KEY ("defaultRuntimeContextDevice") REFERENCES "Device"("deviceId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationInstanceEvent" ADD CONSTRAINT "ApplicationInstanceEvent_applicationInstanceId_fkey" FOREIGN KEY ("applicationInstanceId") REFERENCES "ApplicationInstance"("applicationInstanceId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NodeInstance" ADD CONSTRAINT "NodeInstance_applicationInstanceId_fkey" FOREIGN KEY ("applicationInstanceId") REFERENCES "ApplicationInstance"("applicationInstanceId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Shadow" ADD CONSTRAINT "Shadow_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("deviceId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Secret" ADD CONSTRAINT "Secret_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;


