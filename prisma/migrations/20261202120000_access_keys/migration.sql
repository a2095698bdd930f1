-- Access keys (SigV4) are API keys with a public id; their secret is kept in the secret store.
ALTER TABLE "ApiKey" ADD COLUMN "accessKeyId" TEXT;
CREATE UNIQUE INDEX "ApiKey_accessKeyId_key" ON "ApiKey"("accessKeyId");
