import { Injectable } from '@nestjs/common';
import { Repository, type Tx } from '@edgefleet/db';
import type { Quotas } from '@edgefleet/domain';

const SUMMARY = { id: true, name: true, accountId: true, createdAt: true, suspendedAt: true } as const;

/** The SQL of organizations. */
@Injectable()
export class OrganizationRepository extends Repository {
  insert(tx: Tx, org: { name: string; accountId: string; quotas?: Partial<Quotas> }) {
    return tx.organization.create({ data: { name: org.name, accountId: org.accountId, quotas: org.quotas ?? {} } });
  }

  list() {
    return this.prisma.organization.findMany({ orderBy: { createdAt: 'asc' }, select: SUMMARY });
  }

  summary(tx: Tx, id: string) {
    return tx.organization.findUnique({ where: { id }, select: SUMMARY });
  }

  /** Suspends (from now) or restores the organization unless it is so already: whether it changed. */
  async setSuspended(tx: Tx, id: string, suspended: boolean): Promise<boolean> {
    const moved = await tx.$executeRaw`
      UPDATE "Organization" SET "suspendedAt" = CASE WHEN ${suspended} THEN now() END
      WHERE id = ${id}::uuid AND ("suspendedAt" IS NULL) = ${suspended}`;
    return moved === 1;
  }

  async accountId(id: string): Promise<string> {
    return (await this.prisma.organization.findUniqueOrThrow({ where: { id }, select: { accountId: true } })).accountId;
  }

  async idByName(name: string): Promise<string | undefined> {
    return (await this.prisma.organization.findUnique({ where: { name }, select: { id: true } }))?.id;
  }

  async quotas(id: string): Promise<unknown> {
    return (await this.prisma.organization.findUnique({ where: { id }, select: { quotas: true } }))?.quotas;
  }

  /** The bootstrap, one process at a time: the named organization, locked in. */
  async lockForBootstrap(tx: Tx, name: string) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('edgefleet:bootstrap'))`;
    return tx.organization.findUnique({ where: { name } });
  }
}
