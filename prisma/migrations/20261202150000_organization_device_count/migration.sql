-- Organization."deviceCount": the number of the organization's devices, kept exact by statement-level
-- triggers on "Device" (one UPDATE per statement, however many rows it inserts or deletes), so the
-- device quota check reads one row instead of counting the fleet.
ALTER TABLE "Organization" ADD COLUMN "deviceCount" INTEGER NOT NULL DEFAULT 0;

UPDATE "Organization" o SET "deviceCount" = (SELECT count(*) FROM "Device" d WHERE d."organizationId" = o.id);

CREATE FUNCTION "edgefleet_device_count_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Organization" o SET "deviceCount" = o."deviceCount" + n.c
  FROM (SELECT "organizationId", count(*)::int AS c FROM inserted GROUP BY 1) n WHERE o.id = n."organizationId";
  RETURN NULL;
END $$;

CREATE FUNCTION "edgefleet_device_count_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Organization" o SET "deviceCount" = o."deviceCount" - n.c
  FROM (SELECT "organizationId", count(*)::int AS c FROM deleted GROUP BY 1) n WHERE o.id = n."organizationId";
  RETURN NULL;
END $$;

CREATE TRIGGER "Device_count_inserted" AFTER INSERT ON "Device" REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "edgefleet_device_count_inserted"();
CREATE TRIGGER "Device_count_deleted" AFTER DELETE ON "Device" REFERENCING OLD TABLE AS deleted
  FOR EACH STATEMENT EXECUTE FUNCTION "edgefleet_device_count_deleted"();
