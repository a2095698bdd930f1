import { Injectable } from '@nestjs/common';
import { Repository, type Tx } from '@edgefleet/db';
import type { ApiKeyRole } from '@edgefleet/domain';

export interface NewApiKey {
  organizationId: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  hash: string;
  accessKeyId?: string;
  createdBy?: string | null;
}

const WITH_SUSPENSION = { organization: { select: { suspendedAt: true } } } as const;

/** The SQL of API keys (bearer keys and SigV4 access keys). */
@Injectable()
export class ApiKeyRepository extends Repository {
  insert(tx: Tx, key: NewApiKey) {
    return tx.apiKey.create({ data: key });
  }

  find(tx: Tx, organizationId: string, id: string) {
    return tx.apiKey.findFirst({ where: { id, organizationId } });
  }

  /** Active ADMIN keys of the organization, counted under a lock that serializes concurrent revocations. */
  async lockAndCountAdmins(tx: Tx, organizationId: string): Promise<number> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'apikeys:' + organizationId}))`;
    return tx.apiKey.count({ where: { organizationId, role: 'ADMIN', revokedAt: null } });
  }

  /** Revokes the key unless it is already revoked; the row as it is now, or undefined when it was. */
  async revoke(tx: Tx, id: string, at: Date) {
    const updated = await tx.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    return updated.count === 1 ? tx.apiKey.findUniqueOrThrow({ where: { id } }) : undefined;
  }

  list(organizationId: string) {
    return this.prisma.apiKey.findMany({ where: { organizationId }, orderBy: { createdAt: 'asc' } });
  }

  async isActive(id: string): Promise<boolean> {
    const key = await this.prisma.apiKey.findUnique({ where: { id }, select: { revokedAt: true } });
    return !!key && !key.revokedAt;
  }

  /** A key by the hash of its secret, with whether its organization is suspended. */
  byHash(hash: string) {
    return this.prisma.apiKey.findUnique({ where: { hash }, include: WITH_SUSPENSION });
  }

  byAccessKeyId(accessKeyId: string) {
    return this.prisma.apiKey.findUnique({ where: { accessKeyId }, include: WITH_SUSPENSION });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: at } });
  }

  /** The bootstrap's view: a key by hash, and how many keys the organization has. */
  findByHash(tx: Tx, hash: string) {
    return tx.apiKey.findUnique({ where: { hash } });
  }

  count(tx: Tx, organizationId: string): Promise<number> {
    return tx.apiKey.count({ where: { organizationId } });
  }
}
