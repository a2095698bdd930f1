import { type MachineTable, Prisma, type PrismaService, type Tx, transition } from '@edgefleet/db';
import {
  type ConnectionEvent,
  type DeviceConnectionStatus,
  type ProvisioningEvent,
  type ProvisioningStatus,
  connectionMachine,
  provisioningMachine,
} from '@edgefleet/domain';

const PROVISIONING: MachineTable<ProvisioningStatus, ProvisioningEvent> = {
  machine: provisioningMachine,
  table: 'Device',
  key: 'deviceId',
  column: 'provisioningStatus',
  enumType: 'ProvisioningStatus',
  events: { table: 'DeviceEvent', key: 'deviceId', field: 'provisioningStatus' },
};

const CONNECTION: MachineTable<DeviceConnectionStatus, ConnectionEvent> = {
  machine: connectionMachine,
  table: 'Device',
  key: 'deviceId',
  column: 'deviceConnectionStatus',
  enumType: 'DeviceConnectionStatus',
  events: { table: 'DeviceEvent', key: 'deviceId', field: 'deviceConnectionStatus' },
};

/**
 * A device's provisioning status, compare-and-set from `from`, with its event row.
 * Returns the new status, or undefined when it did not move.
 */
export async function moveProvisioning(
  tx: Tx,
  deviceId: string,
  from: ProvisioningStatus,
  event: ProvisioningEvent,
  actor: string,
  opts: { reason?: string; set?: Prisma.Sql[] } = {},
): Promise<ProvisioningStatus | undefined> {
  const [moved] = await transition(tx, PROVISIONING, {
    event,
    where: Prisma.sql`t."deviceId" = ${deviceId} AND t."provisioningStatus" = ${from}::"ProvisioningStatus"`,
    actor,
    reason: opts.reason ?? null,
    set: [Prisma.sql`"provisioningStatusReason" = ${opts.reason ?? null}`, ...(opts.set ?? [])],
  });
  return moved?.to;
}

/** Connection status changes of the selected devices (over `t`), with their event rows: the devices that moved. */
export function moveConnection(
  db: PrismaService | Tx,
  where: Prisma.Sql,
  event: ConnectionEvent,
  actor: string,
  opts: { reason?: string; set?: Prisma.Sql[] } = {},
): Promise<{ deviceId: string }[]> {
  return transition<DeviceConnectionStatus, ConnectionEvent, { deviceId: string }>(db, CONNECTION, {
    event,
    where,
    actor,
    reason: opts.reason ?? null,
    set: opts.set,
    returning: Prisma.sql`t."deviceId"`,
  });
}
