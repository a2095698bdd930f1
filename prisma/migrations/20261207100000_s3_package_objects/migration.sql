-- Package files through the S3-compatible endpoint: the key an object was put under, and multipart uploads.
ALTER TABLE "PackageAsset" ADD COLUMN "objectKey" TEXT;

CREATE TABLE "MultipartUpload" (
    "uploadId" TEXT NOT NULL,
    "organizationId" UUID NOT NULL,
    "packageId" TEXT NOT NULL,
    "objectKey" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MultipartUpload_pkey" PRIMARY KEY ("uploadId")
);
CREATE INDEX "MultipartUpload_createdAt_idx" ON "MultipartUpload"("createdAt");
ALTER TABLE "MultipartUpload" ADD CONSTRAINT "MultipartUpload_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "Package"("packageId") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "MultipartUploadPart" (
    "uploadId" TEXT NOT NULL,
    "partNumber" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MultipartUploadPart_pkey" PRIMARY KEY ("uploadId","partNumber")
);
CREATE INDEX "MultipartUploadPart_sha256_idx" ON "MultipartUploadPart"("sha256");
ALTER TABLE "MultipartUploadPart" ADD CONSTRAINT "MultipartUploadPart_uploadId_fkey" FOREIGN KEY ("uploadId") REFERENCES "MultipartUpload"("uploadId") ON DELETE CASCADE ON UPDATE CASCADE;
