-- AlterTable
ALTER TABLE "Device" ADD COLUMN     "connectionSession" TEXT;
