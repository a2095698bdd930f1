-- Secure tunnels to devices (AWS IoT secure tunneling): access tokens kept only as SHA-256.
CREATE TYPE "TunnelStatus" AS ENUM ('OPEN', 'CLOSED');

CREATE TABLE "Tunnel" (
    "tunnelId" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "deviceId" TEXT NOT NULL,
    "services" TEXT[],
    "description" TEXT,
    "status" "TunnelStatus" NOT NULL DEFAULT 'OPEN',
    "timeoutMinutes" INTEGER NOT NULL,
    "openedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUpdatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "sourceTokenHash" TEXT NOT NULL,
    "destinationTokenHash" TEXT NOT NULL,
    "sourceClientTokenHash" TEXT,
    "destinationClientTokenHash" TEXT,
    "sourceSpent" BOOLEAN NOT NULL DEFAULT false,
    "destinationSpent" BOOLEAN NOT NULL DEFAULT false,
    "sourceConnected" BOOLEAN NOT NULL DEFAULT false,
    "destinationConnected" BOOLEAN NOT NULL DEFAULT false,
    "sourceUpdatedAt" TIMESTAMP(3),
    "destinationUpdatedAt" TIMESTAMP(3),
    CONSTRAINT "Tunnel_pkey" PRIMARY KEY ("tunnelId")
);

CREATE UNIQUE INDEX "Tunnel_sourceTokenHash_key" ON "Tunnel"("sourceTokenHash");
CREATE UNIQUE INDEX "Tunnel_destinationTokenHash_key" ON "Tunnel"("destinationTokenHash");
CREATE INDEX "Tunnel_organizationId_createdAt_tunnelId_idx" ON "Tunnel"("organizationId", "createdAt" DESC, "tunnelId");
CREATE INDEX "Tunnel_deviceId_idx" ON "Tunnel"("deviceId");

ALTER TABLE "Tunnel" ADD CONSTRAINT "Tunnel_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Tunnel" ADD CONSTRAINT "Tunnel_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("deviceId") ON DELETE CASCADE ON UPDATE CASCADE;
