-- AlterTable
ALTER TABLE "Device" ADD COLUMN     "connectedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Shadow" ADD COLUMN     "deletedAt" TIMESTAMP(3);
