import { type MachineTable, Prisma, type Tx, transition } from '@edgefleet/db';
import { type PackageImportJobEvent, type PackageImportJobStatus, packageImportJobMachine } from '@edgefleet/domain';

const IMPORT_JOBS: MachineTable<PackageImportJobStatus, PackageImportJobEvent> = {
  machine: packageImportJobMachine,
  table: 'PackageImportJob',
  key: 'jobId',
  column: 'status',
  enumType: 'text',
  always: [Prisma.sql`"updatedAt" = now()`],
};

/** An import job's outcome, compare-and-set: SUCCEED with its output, or FAIL with the reason. */
export async function settleImportJob(tx: Tx, jobId: string, outcome: { event: PackageImportJobEvent; statusMessage: string; output?: object }): Promise<boolean> {
  const moved = await transition(tx, IMPORT_JOBS, {
    event: outcome.event,
    where: Prisma.sql`t."jobId" = ${jobId}`,
    actor: 'system:api',
    set: [Prisma.sql`"statusMessage" = ${outcome.statusMessage}`, ...(outcome.output ? [Prisma.sql`output = ${JSON.stringify(outcome.output)}::jsonb`] : [])],
  });
  return moved.length === 1;
}
