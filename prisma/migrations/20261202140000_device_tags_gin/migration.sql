-- CreateIndex
CREATE INDEX "Device_tags_idx" ON "Device" USING GIN ("tags");


