import { Injectable } from '@nestjs/common';
import { Prisma, Repository, type Tx } from '@edgefleet/db';
import { cursorTimestamp, decodeCursor } from '@edgefleet/domain';

export type CameraRow = Prisma.CameraStreamGetPayload<object>;

export interface NewCamera {
  jobId: string;
  organizationId: string;
  templateType: string;
  nodeName: string;
  nodeDescription: string | null;
  outputPackageName: string;
  outputPackageVersion: string;
  streamUrl: string;
  secretId: string;
  jobTags: Record<string, string>;
}

/** The SQL of camera streams (their job's status changes are in camera-stream.transitions.ts). */
@Injectable()
export class CameraStreamRepository extends Repository {
  /** The job, PENDING, with its first event row; a name taken meanwhile fails on the unique index (P2002). */
  async insert(tx: Tx, camera: NewCamera, actor: string): Promise<void> {
    await tx.cameraStream.create({ data: camera });
    await tx.nodeFromTemplateJobEvent.create({ data: { jobId: camera.jobId, from: null, to: 'PENDING', actor } });
  }

  find(organizationId: string, jobId: string): Promise<CameraRow | null> {
    return this.prisma.cameraStream.findFirst({ where: { jobId, organizationId } });
  }

  /** For the worker, whatever the organization. */
  byJobId(jobId: string): Promise<CameraRow | null> {
    return this.prisma.cameraStream.findUnique({ where: { jobId } });
  }

  /** Newest first, keyset-paginated on (createdAt, jobId). */
  page(organizationId: string, first: number, after: string | null | undefined): Promise<CameraRow[]> {
    const where = [Prisma.sql`"organizationId" = ${organizationId}::uuid`];
    if (after) {
      const [at, id] = decodeCursor(after, 2, 'after');
      where.push(Prisma.sql`("createdAt", "jobId") < (${cursorTimestamp(at, 'after')}::timestamp, ${id})`);
    }
    return this.prisma.$queryRaw<CameraRow[]>`
      SELECT * FROM "CameraStream" WHERE ${Prisma.join(where, ' AND ')} ORDER BY "createdAt" DESC, "jobId" DESC LIMIT ${first + 1}`;
  }

  /** The camera made into this package most recently. */
  latestSucceeded(organizationId: string, packageName: string): Promise<CameraRow | null> {
    return this.prisma.cameraStream.findFirst({ where: { organizationId, outputPackageName: packageName, status: 'SUCCEEDED' }, orderBy: { createdAt: 'desc' } });
  }

  /** Whether a camera not FAILED has the package name or the node name. */
  async nameInUse(organizationId: string, packageName: string, nodeName: string): Promise<boolean> {
    const found = await this.prisma.cameraStream.findFirst({
      where: { organizationId, status: { not: 'FAILED' }, OR: [{ outputPackageName: packageName }, { nodeName }] },
      select: { jobId: true },
    });
    return !!found;
  }
}
