import { type MachineTable, Prisma, type Tx, transition } from '@edgefleet/db';
import { type TunnelEvent, type TunnelStatus, tunnelMachine } from '@edgefleet/domain';

// No event table: the row records its closing (closedAt) and the audit trail who closed it.
const TUNNELS: MachineTable<TunnelStatus, TunnelEvent> = { machine: tunnelMachine, table: 'Tunnel', key: 'tunnelId', column: 'status', enumType: 'TunnelStatus' };

/** Closes the tunnel, compare-and-set; both sides are disconnected from now. Whether it moved. */
export async function closeTunnelRow(tx: Tx, organizationId: string, tunnelId: string, actor: string, now: Date): Promise<boolean> {
  const moved = await transition(tx, TUNNELS, {
    event: 'CLOSE',
    where: Prisma.sql`t."tunnelId" = ${tunnelId}::uuid AND t."organizationId" = ${organizationId}::uuid`,
    actor,
    set: [Prisma.sql`"closedAt" = ${now}`, Prisma.sql`"lastUpdatedAt" = ${now}`, Prisma.sql`"sourceConnected" = false`, Prisma.sql`"destinationConnected" = false`],
  });
  return moved.length > 0;
}
