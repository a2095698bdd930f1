import { Injectable } from '@nestjs/common';
import { Repository, type Tx } from '@edgefleet/db';

export interface AuditRow {
  organizationId: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

/** The SQL of the audit trail. */
@Injectable()
export class AuditRepository extends Repository {
  async insert(tx: Tx, row: AuditRow): Promise<void> {
    await tx.auditEvent.create({ data: { ...row, details: row.details as object } });
  }

  /** Newest first, before the event id `before`. */
  page(organizationId: string, args: { first: number; before?: bigint; targetId?: string }) {
    return this.prisma.auditEvent.findMany({
      where: { organizationId, ...(args.before ? { id: { lt: args.before } } : {}), ...(args.targetId ? { targetId: args.targetId } : {}) },
      orderBy: { id: 'desc' },
      take: args.first,
    });
  }
}
