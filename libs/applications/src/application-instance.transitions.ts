import type { Config } from '@edgefleet/config';
import { type MachineTable, Prisma, type PrismaService, type Tx, caseOf, transition } from '@edgefleet/db';
import { type ApplicationInstanceEvent, type ApplicationInstanceStatus, applicationInstanceMachine } from '@edgefleet/domain';

const INSTANCES: MachineTable<ApplicationInstanceStatus, ApplicationInstanceEvent> = {
  machine: applicationInstanceMachine,
  table: 'ApplicationInstance',
  key: 'applicationInstanceId',
  column: 'status',
  enumType: 'ApplicationInstanceStatus',
  events: { table: 'ApplicationInstanceEvent', key: 'applicationInstanceId' },
};

export interface InstanceMove {
  event: ApplicationInstanceEvent;
  /** The rows to move, over `t`. */
  where: Prisma.Sql;
  actor: string;
  /** The new statusDescription (a value or an expression over `t`); also the event row's reason. */
  description?: string | Prisma.Sql | null;
  set?: Prisma.Sql[];
}

/**
 * Application instance status changes, set-based, with their event rows; each move sets the
 * deadline of the step it enters (none once settled).
 */
export function moveInstances(db: PrismaService | Tx, config: Config, m: InstanceMove): Promise<{ applicationInstanceId: string; defaultRuntimeContextDevice: string; from: string; to: string }[]> {
  const after = (seconds: number) => Prisma.sql`now() + make_interval(secs => ${seconds})`;
  const timeoutAt = caseOf(
    Prisma.sql`sel."to"`,
    {
      DEPLOYMENT_REQUESTED: after(config.DEPLOYMENT_REQUESTED_TIMEOUT_SECONDS),
      DEPLOYMENT_IN_PROGRESS: after(config.DEPLOYMENT_IN_PROGRESS_TIMEOUT_SECONDS),
      REMOVAL_REQUESTED: after(config.DEPLOYMENT_REQUESTED_TIMEOUT_SECONDS),
      REMOVAL_IN_PROGRESS: after(config.DEPLOYMENT_IN_PROGRESS_TIMEOUT_SECONDS),
    },
    Prisma.sql`NULL`,
  );
  const description = m.description === undefined ? undefined : typeof m.description === 'string' || m.description === null ? Prisma.sql`${m.description}::text` : m.description;
  return transition(db, INSTANCES, {
    event: m.event,
    where: m.where,
    actor: m.actor,
    reason: description,
    set: [
      Prisma.sql`"timeoutAt" = ${timeoutAt}`,
      Prisma.sql`"updatedAt" = now()`,
      ...(description ? [Prisma.sql`"statusDescription" = ${description}`] : []),
      ...(m.set ?? []),
    ],
    returning: Prisma.sql`t."applicationInstanceId", t."defaultRuntimeContextDevice"`,
  });
}

/** Instances the device never ran, withdrawn at once: REMOVAL_SUCCEEDED with the reason, through the machine's steps. */
export async function withdrawInstances(tx: Tx, config: Config, where: Prisma.Sql, actor: string, description: string): Promise<{ applicationInstanceId: string; defaultRuntimeContextDevice: string }[]> {
  const removed = await moveInstances(tx, config, { event: 'REMOVE', where, actor });
  if (removed.length === 0) return [];
  const ids = Prisma.sql`t."applicationInstanceId" IN (${Prisma.join(removed.map((r) => r.applicationInstanceId))})`;
  await moveInstances(tx, config, { event: 'REQUEST_REMOVAL', where: ids, actor });
  await moveInstances(tx, config, { event: 'REMOVED', where: ids, actor, description });
  return removed;
}
