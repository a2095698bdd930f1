import { Injectable } from '@nestjs/common';
import { Prisma, Repository, type Tx } from '@edgefleet/db';

export type RoleAliasRow = Prisma.RoleAliasGetPayload<object>;

/** A role alias with what the credentials provider and the S3 endpoint check of its organization. */
export type RoleAliasGrant = RoleAliasRow & { accountId: string; suspendedAt: Date | null };

/** The SQL of role aliases. */
@Injectable()
export class RoleAliasRepository extends Repository {
  insert(tx: Tx, data: Prisma.RoleAliasUncheckedCreateInput): Promise<RoleAliasRow> {
    return tx.roleAlias.create({ data });
  }

  find(organizationId: string, roleAlias: string, tx: Tx = this.prisma): Promise<RoleAliasRow | null> {
    return tx.roleAlias.findUnique({ where: { organizationId_roleAlias: { organizationId, roleAlias } } });
  }

  update(tx: Tx, id: string, data: Prisma.RoleAliasUncheckedUpdateInput): Promise<RoleAliasRow> {
    return tx.roleAlias.update({ where: { id }, data });
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await tx.roleAlias.delete({ where: { id } });
  }

  /** By name, ascending (AWS's ListRoleAliases order), after a name. */
  page(organizationId: string, args: { first: number; after?: string | null; descending?: boolean }): Promise<RoleAliasRow[]> {
    const order = args.descending ? 'desc' : 'asc';
    return this.prisma.roleAlias.findMany({
      where: { organizationId, ...(args.after ? { roleAlias: args.descending ? { lt: args.after } : { gt: args.after } } : {}) },
      orderBy: { roleAlias: order },
      take: args.first + 1,
    });
  }

  async grant(by: { organizationId: string; roleAlias: string } | { id: string }): Promise<RoleAliasGrant | null> {
    const where = 'id' in by ? Prisma.sql`r.id = ${by.id}::uuid` : Prisma.sql`r."organizationId" = ${by.organizationId}::uuid AND r."roleAlias" = ${by.roleAlias}`;
    const [row] = await this.prisma.$queryRaw<RoleAliasGrant[]>`
      SELECT r.*, o."accountId", o."suspendedAt" FROM "RoleAlias" r JOIN "Organization" o ON o.id = r."organizationId" WHERE ${where}`;
    return row ?? null;
  }
}
