import type { Prisma, Tx } from '@edgefleet/db';
import { type ProvisioningEvent, type ProvisioningStatus, provisioningMachine } from '@edgefleet/domain';

/**
 * The one compare-and-set of a device's provisioning status, with its event row:
 * the row moves only if the event is allowed from `from` and the row still holds
 * `from`. Returns the new status, or undefined when it did not move.
 */
export async function moveProvisioning(
  tx: Tx,
  deviceId: string,
  from: ProvisioningStatus,
  event: ProvisioningEvent,
  actor: string,
  opts: { reason?: string; data?: Prisma.DeviceUpdateManyMutationInput } = {},
): Promise<ProvisioningStatus | undefined> {
  const to = provisioningMachine.next(from, event);
  if (!to) return undefined;
  const moved = await tx.device.updateMany({
    where: { deviceId, provisioningStatus: from },
    data: { ...opts.data, provisioningStatus: to, provisioningStatusReason: opts.reason ?? null },
  });
  if (moved.count !== 1) return undefined;
  await tx.deviceEvent.create({ data: { deviceId, field: 'provisioningStatus', from, to, actor, reason: opts.reason } });
  return to;
}
