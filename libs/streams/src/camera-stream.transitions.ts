import { type MachineTable, Prisma, type Tx, transition } from '@edgefleet/db';
import { type NodeFromTemplateJobEvent, type NodeFromTemplateJobStatus, nodeFromTemplateJobMachine } from '@edgefleet/domain';

const JOBS: MachineTable<NodeFromTemplateJobStatus, NodeFromTemplateJobEvent> = {
  machine: nodeFromTemplateJobMachine,
  table: 'CameraStream',
  key: 'jobId',
  column: 'status',
  enumType: 'NodeFromTemplateJobStatus',
  events: { table: 'NodeFromTemplateJobEvent', key: 'jobId' },
};

/** A camera's job, compare-and-set: SUCCEEDED with its package, or FAILED with the reason (also the event row's). Whether it moved. */
export async function moveCameraJob(tx: Tx, jobId: string, event: NodeFromTemplateJobEvent, actor: string, outcome: { statusMessage: string; packageId?: string }): Promise<boolean> {
  const moved = await transition(tx, JOBS, {
    event,
    where: Prisma.sql`t."jobId" = ${jobId}`,
    actor,
    reason: event === 'FAIL' ? outcome.statusMessage : undefined,
    set: [Prisma.sql`"statusMessage" = ${outcome.statusMessage}`, ...(outcome.packageId ? [Prisma.sql`"packageId" = ${outcome.packageId}`] : [])],
  });
  return moved.length > 0;
}
