import { Injectable } from '@nestjs/common';
import { Prisma, Repository, type Tx } from '@edgefleet/db';
import { cursorTimestamp, decodeCursor, type TunnelSide, type TunnelStatus, isTunnelId, validationFailed } from '@edgefleet/domain';

/** A tunnel with its organization's account id (its ARN's) and suspension (admission's). */
export type TunnelRow = Prisma.TunnelGetPayload<object> & { accountId: string; suspendedAt: Date | null };

const SELECT = Prisma.sql`SELECT t.*, o."accountId", o."suspendedAt" FROM "Tunnel" t JOIN "Organization" o ON o.id = t."organizationId"`;

const column = (side: TunnelSide, name: 'TokenHash' | 'ClientTokenHash' | 'Spent' | 'Connected' | 'UpdatedAt') => Prisma.raw(`"${side}${name}"`);

/** The SQL of secure tunnels. */
@Injectable()
export class TunnelRepository extends Repository {
  async insert(tx: Tx, row: Prisma.TunnelUncheckedCreateInput): Promise<void> {
    await tx.tunnel.create({ data: row });
  }

  /** The device a tunnel would reach, in the organization, with whether it has an agent yet. */
  device(tx: Tx, organizationId: string, deviceId: string): Promise<{ provisioningStatus: string } | null> {
    return tx.device.findFirst({ where: { organizationId, deviceId }, select: { provisioningStatus: true } });
  }

  async find(organizationId: string, tunnelId: string, tx: Tx = this.prisma): Promise<TunnelRow | null> {
    const [row] = await tx.$queryRaw<TunnelRow[]>`${SELECT} WHERE t."organizationId" = ${organizationId}::uuid AND t."tunnelId" = ${tunnelId}::uuid`;
    return row ?? null;
  }

  async byTokenHash(hash: string): Promise<TunnelRow | null> {
    const [row] = await this.prisma.$queryRaw<TunnelRow[]>`${SELECT} WHERE t."sourceTokenHash" = ${hash} OR t."destinationTokenHash" = ${hash}`;
    return row ?? null;
  }

  /**
   * A side's access token joins: bound to the client token on first use, or spent when there
   * is none (AWS's rule). Compare-and-set: false when it was spent or bound to another meanwhile.
   */
  async claimSide(tunnelId: string, side: TunnelSide, tokenHash: string, clientTokenHash: string | null, now: Date): Promise<boolean> {
    const [bound, spent, connected, updated] = [column(side, 'ClientTokenHash'), column(side, 'Spent'), column(side, 'Connected'), column(side, 'UpdatedAt')];
    // The token is checked again here: a rotation between the lookup and this claim leaves it out.
    const n = await this.prisma.$executeRaw`
      UPDATE "Tunnel" SET ${bound} = COALESCE(${bound}, ${clientTokenHash}), ${spent} = ${clientTokenHash === null}, ${connected} = true, ${updated} = ${now}, "lastUpdatedAt" = ${now}
      WHERE "tunnelId" = ${tunnelId}::uuid AND ${column(side, 'TokenHash')} = ${tokenHash} AND status = 'OPEN' AND "expiresAt" > ${now} AND NOT ${spent}
        AND (${bound} IS NULL OR ${bound} = ${clientTokenHash})`;
    return n === 1;
  }

  /**
   * Of these joined sides, the ones that may stay: their tunnel open and unexpired, their token
   * still the side's (not rotated), their organization not suspended, the tunnel not deleted.
   */
  async stillAdmitted(sides: { tunnelId: string; side: TunnelSide; tokenHash: string }[], now: Date): Promise<Set<string>> {
    if (sides.length === 0) return new Set();
    const rows = await this.prisma.$queryRaw<{ tunnelId: string; sourceTokenHash: string; destinationTokenHash: string }[]>`
      SELECT t."tunnelId", t."sourceTokenHash", t."destinationTokenHash" FROM "Tunnel" t JOIN "Organization" o ON o.id = t."organizationId"
      WHERE t."tunnelId" = ANY(${[...new Set(sides.map((s) => s.tunnelId))]}::uuid[]) AND t.status = 'OPEN' AND t."expiresAt" > ${now} AND o."suspendedAt" IS NULL`;
    const byId = new Map(rows.map((r) => [r.tunnelId, r]));
    return new Set(sides.filter((s) => (s.side === 'source' ? byId.get(s.tunnelId)?.sourceTokenHash : byId.get(s.tunnelId)?.destinationTokenHash) === s.tokenHash).map((s) => s.tokenHash));
  }

  /** New access tokens for some sides of an open tunnel, unbound and unspent; false when it is closed or past its lifetime. */
  async rotate(tx: Tx, organizationId: string, tunnelId: string, hashes: Partial<Record<TunnelSide, string>>, now: Date): Promise<boolean> {
    const set = Object.entries(hashes).flatMap(([side, hash]) => [
      Prisma.sql`${column(side as TunnelSide, 'TokenHash')} = ${hash}`,
      Prisma.sql`${column(side as TunnelSide, 'ClientTokenHash')} = NULL`,
      Prisma.sql`${column(side as TunnelSide, 'Spent')} = false`,
    ]);
    const n = await tx.$executeRaw`
      UPDATE "Tunnel" SET ${Prisma.join(set, ', ')}, "lastUpdatedAt" = ${now}
      WHERE "organizationId" = ${organizationId}::uuid AND "tunnelId" = ${tunnelId}::uuid AND status = 'OPEN' AND "expiresAt" > ${now}`;
    return n === 1;
  }

  async setDisconnected(tunnelId: string, side: TunnelSide, now: Date): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "Tunnel" SET ${column(side, 'Connected')} = false, ${column(side, 'UpdatedAt')} = ${now}, "lastUpdatedAt" = ${now} WHERE "tunnelId" = ${tunnelId}::uuid`;
  }

  /** Newest first, keyset-paginated on (createdAt, tunnelId); an OPEN row past its lifetime counts as CLOSED. */
  page(organizationId: string, args: { deviceId?: string | null; status?: TunnelStatus | null; first: number; after?: string | null }, now: Date): Promise<TunnelRow[]> {
    const where = [Prisma.sql`t."organizationId" = ${organizationId}::uuid`];
    if (args.deviceId) where.push(Prisma.sql`t."deviceId" = ${args.deviceId}`);
    if (args.status === 'OPEN') where.push(Prisma.sql`t.status = 'OPEN' AND t."expiresAt" > ${now}`);
    if (args.status === 'CLOSED') where.push(Prisma.sql`(t.status = 'CLOSED' OR t."expiresAt" <= ${now})`);
    if (args.after) {
      const [at, id] = decodeCursor(args.after, 2, 'after');
      if (!isTunnelId(id)) throw validationFailed('after', 'is not a cursor of this list.', 'INVALID_CURSOR');
      where.push(Prisma.sql`(t."createdAt", t."tunnelId") < (${cursorTimestamp(at, 'after')}::timestamp, ${id}::uuid)`);
    }
    return this.prisma.$queryRaw<TunnelRow[]>`${SELECT} WHERE ${Prisma.join(where, ' AND ')} ORDER BY t."createdAt" DESC, t."tunnelId" DESC LIMIT ${args.first + 1}`;
  }

  openCount(tx: Tx, deviceId: string, now: Date): Promise<number> {
    return tx.tunnel.count({ where: { deviceId, status: 'OPEN', expiresAt: { gt: now } } });
  }

  delete(tx: Tx, tunnelId: string): Promise<unknown> {
    return tx.tunnel.delete({ where: { tunnelId } });
  }
}
