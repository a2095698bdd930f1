-- AlterEnum
ALTER TYPE "CertificateStatus" ADD VALUE 'PENDING_ACTIVATION';
