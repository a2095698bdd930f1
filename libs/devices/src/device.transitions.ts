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

/** What a registration records with its move: the lease (the certificate's expiry) and the serial number the device gave. */
export interface Registration {
  leaseExpirationTime: Date;
  serialNumber?: string;
}

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
  opts: { reason?: string; registration?: Registration } = {},
): Promise<ProvisioningStatus | undefined> {
  const r = opts.registration;
  const [moved] = await transition(tx, PROVISIONING, {
    event,
    where: Prisma.sql`t."deviceId" = ${deviceId} AND t."provisioningStatus" = ${from}::"ProvisioningStatus"`,
    actor,
    reason: opts.reason ?? null,
    set: [
      Prisma.sql`"provisioningStatusReason" = ${opts.reason ?? null}`,
      ...(r ? [Prisma.sql`"leaseExpirationTime" = ${r.leaseExpirationTime}`] : []),
      ...(r?.serialNumber ? [Prisma.sql`"serialNumber" = ${r.serialNumber}`] : []),
    ],
  });
  return moved?.to;
}

/** Which devices a connection move selects: one; one only while this session is its current one; or those silent past their keep-alive. */
export type ConnectionSelection = { deviceId: string; session?: string } | { silentAt: Date; heartbeatSeconds: number };

/** Connection status changes of the selected devices, with their event rows: the devices that moved. */
export function moveConnection(
  db: PrismaService | Tx,
  select: ConnectionSelection,
  event: ConnectionEvent,
  actor: string,
  opts: { reason?: string; seenNow?: boolean; endSession?: boolean } = {},
): Promise<{ deviceId: string }[]> {
  const where =
    'deviceId' in select
      ? Prisma.sql`t."deviceId" = ${select.deviceId} ${select.session !== undefined ? Prisma.sql`AND t."connectionSession" = ${select.session}` : Prisma.empty}`
      : // Silent for longer than keep-alive × 1.5, and at least two heartbeats.
        Prisma.sql`t."lastSeenAt" < ${select.silentAt}::timestamptz - make_interval(secs => GREATEST(COALESCE(t."keepAliveSeconds", 0) * 1.5, ${select.heartbeatSeconds * 2}))`;
  return transition<DeviceConnectionStatus, ConnectionEvent, { deviceId: string }>(db, CONNECTION, {
    event,
    where,
    actor,
    reason: opts.reason ?? null,
    set: [...(opts.seenNow ? [Prisma.sql`"lastSeenAt" = now()`] : []), ...(opts.endSession ? [Prisma.sql`"connectionSession" = NULL`] : [])],
    returning: Prisma.sql`t."deviceId"`,
  });
}

/** In the caller's transaction: registered (with its lease and serial number, when known), its credentials issued. Whether it moved. */
export async function registerDevice(tx: Tx, device: { deviceId: string; provisioningStatus: ProvisioningStatus }, actor: string, registration?: Registration): Promise<boolean> {
  if (!(await moveProvisioning(tx, device.deviceId, device.provisioningStatus, 'REGISTER', actor, { registration }))) return false;
  await moveConnection(tx, { deviceId: device.deviceId }, 'CREDENTIALS_ISSUED', actor);
  return true;
}
