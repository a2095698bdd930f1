import { Injectable } from '@nestjs/common';
import { PrismaService, type Tx } from '@edgefleet/db';
import { assertRole } from '@edgefleet/domain';
import { type Principal, actorOf } from './principal';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Safe details only: never a secret, key or certificate private part. */
  details?: Record<string, unknown>;
}

@Injectable()
export class AuditService {
  constructor(private readonly prisma: PrismaService) {}

  /** Written in the caller's transaction, so a change and its audit row commit together. */
  async record(tx: Tx, who: Principal | { organizationId: string; actor: string }, entry: AuditEntry): Promise<void> {
    await tx.auditEvent.create({
      data: {
        organizationId: who.organizationId,
        actor: 'actor' in who ? who.actor : actorOf(who),
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId ?? null,
        details: (entry.details ?? {}) as object,
      },
    });
  }

  async list(principal: Principal, args: { first: number; before?: bigint; targetId?: string }) {
    assertRole(principal.role, 'ADMIN', 'Reading the audit trail');
    return this.prisma.auditEvent.findMany({
      where: {
        organizationId: principal.organizationId,
        ...(args.before ? { id: { lt: args.before } } : {}),
        ...(args.targetId ? { targetId: args.targetId } : {}),
      },
      orderBy: { id: 'desc' },
      take: args.first,
    });
  }
}
