import { Injectable } from '@nestjs/common';
import { Prisma, Repository, type Tx } from '@edgefleet/db';

export type ShadowRow = { deviceId: string; name: string; desired: unknown; reported: unknown; metadata: unknown; version: number; deletedAt: Date | null };

/** A shadow's document as written back: `existed` says whether to update its row or insert one. */
export interface ShadowWrite {
  deviceId: string;
  name: string;
  desired: unknown;
  reported: unknown;
  metadata: unknown;
  version: number;
  existed: boolean;
}

/** The SQL of device shadows (the local backend's; AWS IoT keeps them with the aws backend). */
@Injectable()
export class ShadowRepository extends Repository {
  find(deviceId: string, name: string): Promise<ShadowRow | null> {
    return this.prisma.shadow.findUnique({ where: { deviceId_name: { deviceId, name } } });
  }

  /** The shadows of a batch, locked for its transaction (in key order, so batches never deadlock). */
  lockAll(tx: Tx, keys: { deviceId: string; name: string }[]): Promise<ShadowRow[]> {
    return tx.$queryRaw<ShadowRow[]>`
      SELECT s."deviceId", s.name, s.desired, s.reported, s.metadata, s.version, s."deletedAt"
      FROM "Shadow" s JOIN unnest(${keys.map((k) => k.deviceId)}::text[], ${keys.map((k) => k.name)}::text[]) AS k(d, n) ON s."deviceId" = k.d AND s.name = k.n
      ORDER BY s."deviceId", s.name FOR UPDATE OF s`;
  }

  /**
   * Writes a batch of documents in one statement: existing shadows (locked by `lockAll`) are
   * updated; a new one is inserted unless another writer created it meanwhile. The keys written.
   */
  writeAll(tx: Tx, values: ShadowWrite[]): Promise<{ deviceId: string; name: string }[]> {
    return tx.$queryRaw<{ deviceId: string; name: string }[]>`
      WITH v AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
                   AS v("deviceId" text, name text, desired jsonb, reported jsonb, metadata jsonb, version int, existed boolean)),
      updated AS (
        UPDATE "Shadow" s SET desired = v.desired, reported = v.reported, metadata = v.metadata, version = v.version, "deletedAt" = NULL, "updatedAt" = now()
        FROM v WHERE v.existed AND s."deviceId" = v."deviceId" AND s.name = v.name RETURNING s."deviceId", s.name),
      inserted AS (
        INSERT INTO "Shadow" ("deviceId", name, desired, reported, metadata, version, "updatedAt")
        SELECT "deviceId", name, desired, reported, metadata, version, now() FROM v WHERE NOT v.existed
        ON CONFLICT DO NOTHING RETURNING "deviceId", name)
      SELECT * FROM updated UNION ALL SELECT * FROM inserted`;
  }

  /** The shadow's version and whether it is deleted, locked for the transaction. */
  async lockOne(tx: Tx, deviceId: string, name: string): Promise<{ version: number; deletedAt: Date | null } | undefined> {
    const [row] = await tx.$queryRaw<{ version: number; deletedAt: Date | null }[]>`
      SELECT version, "deletedAt" FROM "Shadow" WHERE "deviceId" = ${deviceId} AND name = ${name} FOR UPDATE`;
    return row;
  }

  /** Deletes the document, keeping its version (the next update continues from it). */
  async markDeleted(tx: Tx, deviceId: string, name: string, at: Date): Promise<void> {
    await tx.shadow.update({ where: { deviceId_name: { deviceId, name } }, data: { desired: Prisma.DbNull, reported: Prisma.DbNull, metadata: {}, deletedAt: at } });
  }
}
