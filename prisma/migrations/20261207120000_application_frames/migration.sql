-- Snapshots of an application's output, on demand: how often, and the last frame sent.
ALTER TABLE "ApplicationInstance" ADD COLUMN "snapshotIntervalSeconds" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "ApplicationFrame" (
    "applicationInstanceId" TEXT NOT NULL,
    "streamId" TEXT NOT NULL,
    "capturedAt" TIMESTAMP(3) NOT NULL,
    "labels" JSONB NOT NULL,
    "jpeg" BYTEA NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "ApplicationFrame_pkey" PRIMARY KEY ("applicationInstanceId")
);

ALTER TABLE "ApplicationFrame" ADD CONSTRAINT "ApplicationFrame_applicationInstanceId_fkey" FOREIGN KEY ("applicationInstanceId") REFERENCES "ApplicationInstance"("applicationInstanceId") ON DELETE CASCADE ON UPDATE CASCADE;
