-- A camera's clips on every device (the console's camera page).
CREATE INDEX "Clip_organizationId_camera_startedAt_idx" ON "Clip"("organizationId", "camera", "startedAt");
