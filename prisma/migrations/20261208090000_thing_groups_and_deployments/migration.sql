-- CreateEnum
CREATE TYPE "DeploymentStatus" AS ENUM ('ACTIVE', 'CANCELED');

-- CreateEnum
CREATE TYPE "DeploymentFailureHandling" AS ENUM ('ROLLBACK', 'DO_NOTHING');

-- AlterTable
ALTER TABLE "ApplicationInstance" ADD COLUMN     "deploymentId" UUID,
ADD COLUMN     "deploymentRevision" INTEGER,
ADD COLUMN     "rollbackReason" TEXT,
ADD COLUMN     "requiredSoftware" TEXT;

-- CreateTable
CREATE TABLE "ThingGroup" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "queryString" TEXT,
    "readsConnectivity" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ThingGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ThingGroupMember" (
    "groupId" UUID NOT NULL,
    "deviceId" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ThingGroupMember_pkey" PRIMARY KEY ("groupId","deviceId")
);

-- CreateTable
CREATE TABLE "Deployment" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "groupId" UUID NOT NULL,
    "applicationInstanceName" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "failureHandling" "DeploymentFailureHandling" NOT NULL DEFAULT 'ROLLBACK',
    "healthCheckSeconds" INTEGER NOT NULL DEFAULT 60,
    "status" "DeploymentStatus" NOT NULL DEFAULT 'ACTIVE',
    "currentRevision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "canceledAt" TIMESTAMP(3),

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeploymentRevision" (
    "deploymentId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "manifestPayload" TEXT NOT NULL,
    "manifestOverridesPayload" TEXT,
    "softwareVersion" TEXT,
    "rolloutId" UUID NOT NULL,
    "actor" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeploymentRevision_pkey" PRIMARY KEY ("deploymentId","revision")
);

-- CreateIndex
CREATE UNIQUE INDEX "ThingGroup_organizationId_name_key" ON "ThingGroup"("organizationId", "name");

-- CreateIndex
CREATE INDEX "ThingGroupMember_deviceId_idx" ON "ThingGroupMember"("deviceId");

-- CreateIndex
CREATE INDEX "Deployment_groupId_idx" ON "Deployment"("groupId");

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_organizationId_name_key" ON "Deployment"("organizationId", "name");

-- CreateIndex
CREATE INDEX "ApplicationInstance_deploymentId_defaultRuntimeContextDevic_idx" ON "ApplicationInstance"("deploymentId", "defaultRuntimeContextDevice");

-- AddForeignKey
ALTER TABLE "ApplicationInstance" ADD CONSTRAINT "ApplicationInstance_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ThingGroup" ADD CONSTRAINT "ThingGroup_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ThingGroupMember" ADD CONSTRAINT "ThingGroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ThingGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ThingGroupMember" ADD CONSTRAINT "ThingGroupMember_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("deviceId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ThingGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeploymentRevision" ADD CONSTRAINT "DeploymentRevision_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Dynamic thing groups follow their devices through the outbox: every write that changes what a
-- group query reads (tags, name, type, brand, software, provisioning, and the connection where a
-- group of the organization reads it) asks the worker to evaluate the device again, whatever code
-- path wrote it. Organizations without dynamic groups pay one index probe.
CREATE FUNCTION "edgefleet_device_groups_evaluate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.tags = OLD.tags AND NEW.name = OLD.name AND NEW.type = OLD.type AND NEW.brand = OLD.brand
     AND NEW."currentSoftware" IS NOT DISTINCT FROM OLD."currentSoftware" AND NEW."provisioningStatus" = OLD."provisioningStatus" THEN
    IF NEW."deviceConnectionStatus" = OLD."deviceConnectionStatus"
       OR NOT EXISTS (SELECT 1 FROM "ThingGroup" g WHERE g."organizationId" = NEW."organizationId" AND g."readsConnectivity") THEN
      RETURN NULL;
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM "ThingGroup" g WHERE g."organizationId" = NEW."organizationId" AND g."queryString" IS NOT NULL) THEN
    RETURN NULL;
  END IF;
  INSERT INTO "OutboxMessage" (queue, "jobName", payload, "idempotencyKey")
    VALUES ('groups', 'evaluate-device', jsonb_build_object('deviceId', NEW."deviceId"), 'groups-evaluate-' || NEW."deviceId" || '-' || gen_random_uuid());
  RETURN NULL;
END $$;

CREATE TRIGGER "Device_groups_evaluate" AFTER INSERT OR UPDATE OF tags, name, type, brand, "currentSoftware", "provisioningStatus", "deviceConnectionStatus" ON "Device"
  FOR EACH ROW EXECUTE FUNCTION "edgefleet_device_groups_evaluate"();

-- A deployment waiting for its device's software (a group deployment's revision naming a version)
-- is written to the device once the device reports a new version, whatever code path recorded it.
CREATE FUNCTION "edgefleet_device_software_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "ApplicationInstance" a WHERE a."defaultRuntimeContextDevice" = NEW."deviceId" AND a.status = 'DEPLOYMENT_PENDING' AND a."requiredSoftware" IS NOT NULL) THEN
    INSERT INTO "OutboxMessage" (queue, "jobName", payload, "idempotencyKey")
      VALUES ('applications', 'sync-device', jsonb_build_object('deviceId', NEW."deviceId"), 'sync-apps-' || NEW."deviceId" || '-' || gen_random_uuid());
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Device_software_changed" AFTER UPDATE OF "currentSoftware" ON "Device"
  FOR EACH ROW WHEN (NEW."currentSoftware" IS DISTINCT FROM OLD."currentSoftware") EXECUTE FUNCTION "edgefleet_device_software_changed"();
