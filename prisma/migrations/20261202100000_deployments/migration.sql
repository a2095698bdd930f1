-- Application instances deployed through the applications shadow, their node instances, and device logs.
ALTER TABLE "ApplicationInstance" ADD COLUMN "resolvedGraph" JSONB, ADD COLUMN "timeoutAt" TIMESTAMP(3);

ALTER TABLE "NodeInstance" DROP CONSTRAINT "NodeInstance_pkey";
DROP INDEX IF EXISTS "NodeInstance_applicationInstanceId_idx";
ALTER TABLE "NodeInstance" ADD COLUMN "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  ADD COLUMN "signal" TEXT,
  ADD COLUMN "statusReason" TEXT,
  ADD CONSTRAINT "NodeInstance_pkey" PRIMARY KEY ("id");
ALTER TABLE "NodeInstance" ALTER COLUMN "id" DROP DEFAULT;
CREATE UNIQUE INDEX "NodeInstance_applicationInstanceId_nodeInstanceId_key" ON "NodeInstance"("applicationInstanceId", "nodeInstanceId");

CREATE TABLE "LogEvent" (
    "id" BIGSERIAL NOT NULL,
    "deviceId" TEXT NOT NULL,
    "applicationInstanceId" TEXT,
    "logGroup" TEXT NOT NULL,
    "logStream" TEXT NOT NULL,
    "timestamp" TIMESTAMP(3) NOT NULL,
    "message" TEXT NOT NULL,
    "ingestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LogEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "LogEvent_logGroup_logStream_id_idx" ON "LogEvent"("logGroup", "logStream", "id");
CREATE INDEX "LogEvent_ingestedAt_idx" ON "LogEvent"("ingestedAt");
ALTER TABLE "LogEvent" ADD CONSTRAINT "LogEvent_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("deviceId") ON DELETE CASCADE ON UPDATE CASCADE;
