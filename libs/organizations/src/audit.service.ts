import { Injectable } from '@nestjs/common';
import type { Tx } from '@edgefleet/db';
import { assertRole } from '@edgefleet/domain';
import { AuditRepository } from './audit.repository';
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
  constructor(private readonly trail: AuditRepository) {}

  /** Written in the caller's transaction, so a change and its audit row commit together. */
  record(tx: Tx, who: Principal | { organizationId: string; actor: string }, entry: AuditEntry): Promise<void> {
    return this.trail.insert(tx, {
      organizationId: who.organizationId,
      actor: 'actor' in who ? who.actor : actorOf(who),
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      details: entry.details ?? {},
    });
  }

  /** For a change that is not a transaction of ours (a shadow write, a secret): its audit row on its own. */
  recordNow(who: Principal | { organizationId: string; actor: string }, entry: AuditEntry): Promise<void> {
    return this.trail.transaction((tx) => this.record(tx, who, entry));
  }

  async list(principal: Principal, args: { first: number; before?: bigint; targetId?: string }) {
    assertRole(principal.role, 'ADMIN', 'Reading the audit trail');
    return this.trail.page(principal.organizationId, args);
  }
}
