-- Retention prunes by age in small batches: each batch must find its oldest rows by index.
CREATE INDEX "DeviceEvent_at_idx" ON "DeviceEvent"("at");
CREATE INDEX "DeviceJobEvent_at_idx" ON "DeviceJobEvent"("at");
CREATE INDEX "RolloutEvent_at_idx" ON "RolloutEvent"("at");
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");
