-- Multipart uploads of camera clips too: they belong to no package, and their key names no digest.
ALTER TABLE "MultipartUpload" ALTER COLUMN "packageId" DROP NOT NULL, ALTER COLUMN "sha256" DROP NOT NULL;
