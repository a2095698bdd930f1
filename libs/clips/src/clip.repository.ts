import { Injectable } from '@nestjs/common';
import { Prisma, Repository, type Tx } from '@edgefleet/db';

export type ClipRow = Prisma.ClipGetPayload<object>;

/** The SQL of camera clips. */
@Injectable()
export class ClipRepository extends Repository {
  /** A put under a key that exists replaces it (S3's rule); the old content's digest is returned so its file can go. */
  async upsert(tx: Tx, row: Omit<Prisma.ClipUncheckedCreateInput, 'id' | 'createdAt'>): Promise<{ replaced: string | null }> {
    const before = await tx.clip.findUnique({ where: { organizationId_objectKey: { organizationId: row.organizationId, objectKey: row.objectKey } }, select: { sha256: true } });
    await tx.clip.upsert({ where: { organizationId_objectKey: { organizationId: row.organizationId, objectKey: row.objectKey } }, create: row, update: { ...row, createdAt: new Date() } });
    return { replaced: before && before.sha256 !== row.sha256 ? before.sha256 : null };
  }

  find(organizationId: string, objectKey: string): Promise<ClipRow | null> {
    return this.prisma.clip.findUnique({ where: { organizationId_objectKey: { organizationId, objectKey } } });
  }

  byId(id: string): Promise<ClipRow | null> {
    return this.prisma.clip.findUnique({ where: { id } });
  }

  async delete(tx: Tx, organizationId: string, objectKey: string): Promise<ClipRow | null> {
    const row = await tx.clip.findUnique({ where: { organizationId_objectKey: { organizationId, objectKey } } });
    if (row) await tx.clip.delete({ where: { id: row.id } });
    return row;
  }

  /** Whether any clip (of any organization) still has this content. */
  async referenced(sha256: string, tx: Tx = this.prisma): Promise<boolean> {
    return (await tx.clip.count({ where: { sha256 }, take: 1 })) > 0;
  }

  /** ListObjectsV2: by key, under a prefix, after a key. */
  list(organizationId: string, prefix: string, after: string | undefined, take: number): Promise<ClipRow[]> {
    return this.prisma.clip.findMany({
      where: { organizationId, objectKey: { startsWith: prefix, ...(after ? { gt: after } : {}) } },
      orderBy: { objectKey: 'asc' },
      take,
    });
  }

  /** A device's clips (of one camera, or all) or a camera's, newest first, between two times, keyset-paginated on (startedAt, id). */
  page(organizationId: string, args: { deviceId?: string | null; camera?: string | null; from?: Date | null; to?: Date | null; first: number; after?: [Date, string] | null }): Promise<ClipRow[]> {
    return this.prisma.clip.findMany({
      where: {
        organizationId,
        ...(args.deviceId ? { deviceId: args.deviceId } : {}),
        ...(args.camera ? { camera: args.camera } : {}),
        startedAt: { ...(args.from ? { gte: args.from } : {}), ...(args.to ? { lte: args.to } : {}) },
        ...(args.after ? { OR: [{ startedAt: { lt: args.after[0] } }, { startedAt: args.after[0], id: { lt: args.after[1] } }] } : {}),
      },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: args.first + 1,
    });
  }

  device(organizationId: string, deviceId: string): Promise<{ deviceId: string } | null> {
    return this.prisma.device.findFirst({ where: { organizationId, deviceId }, select: { deviceId: true } });
  }

  /** The organization's own retention (null: the defaults). */
  retention(organizationId: string): Promise<{ clipRetentionDays: number | null; clipRetentionBytes: bigint | null } | null> {
    return this.prisma.organization.findUnique({ where: { id: organizationId }, select: { clipRetentionDays: true, clipRetentionBytes: true } });
  }

  async setRetention(tx: Tx, organizationId: string, data: { clipRetentionDays?: number; clipRetentionBytes?: bigint }): Promise<void> {
    await tx.organization.update({ where: { id: organizationId }, data });
  }

  /** Clips and their bytes, per organization that has any (or of one). */
  async usage(organizationId?: string): Promise<{ organizationId: string; clips: number; bytes: bigint }[]> {
    const rows = await this.prisma.clip.groupBy({ by: ['organizationId'], where: organizationId ? { organizationId } : {}, _count: { _all: true }, _sum: { sizeBytes: true } });
    return rows.map((r) => ({ organizationId: r.organizationId, clips: r._count._all, bytes: r._sum.sizeBytes ?? 0n }));
  }

  /** The oldest clips of an organization (by when they start), at most `take`, started before `before` if given. */
  oldest(organizationId: string, take: number, before?: Date): Promise<ClipRow[]> {
    return this.prisma.clip.findMany({ where: { organizationId, ...(before ? { startedAt: { lt: before } } : {}) }, orderBy: [{ startedAt: 'asc' }, { id: 'asc' }], take });
  }

  /** Deletes these clips; their rows as they were. */
  async deleteMany(tx: Tx, ids: string[]): Promise<ClipRow[]> {
    const rows = await tx.clip.findMany({ where: { id: { in: ids } } });
    await tx.clip.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
    return rows;
  }

  /** A device's clips (of a camera, starting at or before `to`), for deletion. */
  ofDevice(organizationId: string, deviceId: string, filter: { camera?: string | null; to?: Date | null }): Promise<ClipRow[]> {
    return this.prisma.clip.findMany({ where: { organizationId, deviceId, ...(filter.camera ? { camera: filter.camera } : {}), ...(filter.to ? { startedAt: { lte: filter.to } } : {}) } });
  }
}
