import type { Config } from '@edgefleet/config';
import { type MachineTable, Prisma, type PrismaService, type Tx, caseOf, transition } from '@edgefleet/db';
import { type ApplicationInstanceEvent, type ApplicationInstanceStatus, type ResolvedGraph, applicationInstanceMachine } from '@edgefleet/domain';

const INSTANCES: MachineTable<ApplicationInstanceStatus, ApplicationInstanceEvent> = {
  machine: applicationInstanceMachine,
  table: 'ApplicationInstance',
  key: 'applicationInstanceId',
  column: 'status',
  enumType: 'ApplicationInstanceStatus',
  events: { table: 'ApplicationInstanceEvent', key: 'applicationInstanceId' },
};

/** Which instances a move selects: one, a device's (in one status), a rollout's (in some statuses), or those past their step's deadline. */
export type InstanceSelection =
  | { applicationInstanceId: string }
  | { applicationInstanceIds: string[] }
  | { deviceId: string; status?: ApplicationInstanceStatus }
  | { rolloutId: string; statuses: ApplicationInstanceStatus[] }
  | { timedOut: true };

export interface InstanceMove {
  event: ApplicationInstanceEvent;
  select: InstanceSelection;
  actor: string;
  /** The new statusDescription, also the event row's reason; `timedOut` says which step timed out. */
  description?: string | null | { timedOut: true };
  /** The graph as it resolves now (a deployment requested). */
  resolvedGraph?: ResolvedGraph;
}

export type MovedInstance = { applicationInstanceId: string; defaultRuntimeContextDevice: string; from: string; to: string };

function whereOf(s: InstanceSelection): Prisma.Sql {
  if ('applicationInstanceId' in s) return Prisma.sql`t."applicationInstanceId" = ${s.applicationInstanceId}`;
  if ('applicationInstanceIds' in s) return Prisma.sql`t."applicationInstanceId" = ANY(${s.applicationInstanceIds})`;
  if ('deviceId' in s) return Prisma.sql`t."defaultRuntimeContextDevice" = ${s.deviceId} ${s.status ? Prisma.sql`AND t.status = ${s.status}::"ApplicationInstanceStatus"` : Prisma.empty}`;
  if ('rolloutId' in s) return Prisma.sql`t."rolloutId" = ${s.rolloutId}::uuid AND t.status::text = ANY(${s.statuses})`;
  return Prisma.sql`t."timeoutAt" < now()`;
}

/**
 * Application instance status changes, set-based, with their event rows; each move sets the
 * deadline of the step it enters (none once settled).
 */
export function moveInstances(db: PrismaService | Tx, config: Config, m: InstanceMove): Promise<MovedInstance[]> {
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
  const d = m.description;
  const description = d === undefined ? undefined : d === null || typeof d === 'string' ? Prisma.sql`${d}::text` : Prisma.sql`'Timed out while ' || sel."from"`;
  return transition(db, INSTANCES, {
    event: m.event,
    where: whereOf(m.select),
    actor: m.actor,
    reason: description,
    set: [
      Prisma.sql`"timeoutAt" = ${timeoutAt}`,
      Prisma.sql`"updatedAt" = now()`,
      ...(description ? [Prisma.sql`"statusDescription" = ${description}`] : []),
      ...(m.resolvedGraph ? [Prisma.sql`"resolvedGraph" = ${JSON.stringify(m.resolvedGraph)}::jsonb`] : []),
    ],
    returning: Prisma.sql`t."applicationInstanceId", t."defaultRuntimeContextDevice"`,
  });
}

/** Instances the device never ran, withdrawn at once: REMOVAL_SUCCEEDED with the reason, through the machine's steps. */
export async function withdrawInstances(tx: Tx, config: Config, select: InstanceSelection, actor: string, description: string): Promise<MovedInstance[]> {
  const removed = await moveInstances(tx, config, { event: 'REMOVE', select, actor });
  if (removed.length === 0) return [];
  const ids = { applicationInstanceIds: removed.map((r) => r.applicationInstanceId) };
  await moveInstances(tx, config, { event: 'REQUEST_REMOVAL', select: ids, actor });
  await moveInstances(tx, config, { event: 'REMOVED', select: ids, actor, description });
  return removed;
}
