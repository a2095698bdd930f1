-- Each organization's clip retention (days, bytes); null: the installation's defaults.
ALTER TABLE "Organization" ADD COLUMN "clipRetentionDays" INTEGER, ADD COLUMN "clipRetentionBytes" BIGINT;
