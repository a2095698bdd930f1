-- Installation administration: a suspended organization's keys and devices are refused.
ALTER TABLE "Organization" ADD COLUMN "suspendedAt" TIMESTAMP(3);
