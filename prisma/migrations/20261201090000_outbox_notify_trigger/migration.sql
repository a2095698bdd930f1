-- The outbox port's NOTIFY: every statement that adds outbox rows wakes the relays at commit,
-- so no code path can write a row and forget to notify.
CREATE FUNCTION "edgefleet_outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('edgefleet_outbox', '');
  RETURN NULL;
END $$;

CREATE TRIGGER "OutboxMessage_notify" AFTER INSERT ON "OutboxMessage"
  FOR EACH STATEMENT EXECUTE FUNCTION "edgefleet_outbox_notify"();
