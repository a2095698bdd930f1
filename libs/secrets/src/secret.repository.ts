import { Injectable } from '@nestjs/common';
import { Repository } from '@edgefleet/db';

/** The sealed columns of a secret (see LocalSecretStore). */
export interface SealedSecret {
  iv: Uint8Array<ArrayBuffer>;
  authTag: Uint8Array<ArrayBuffer>;
  ciphertext: Uint8Array<ArrayBuffer>;
  wrappedKey: Uint8Array<ArrayBuffer>;
}

const METADATA = { name: true, createdAt: true, updatedAt: true } as const;
const key = (organizationId: string, name: string) => ({ organizationId_name: { organizationId, name } });

/** The SQL of the local secret store: sealed rows only, never a plaintext. */
@Injectable()
export class SecretRepository extends Repository {
  put(organizationId: string, name: string, sealed: SealedSecret) {
    return this.prisma.secret.upsert({ where: key(organizationId, name), create: { organizationId, name, ...sealed }, update: sealed, select: METADATA });
  }

  find(organizationId: string, name: string) {
    return this.prisma.secret.findUnique({ where: key(organizationId, name) });
  }

  metadata(organizationId: string, name: string) {
    return this.prisma.secret.findUnique({ where: key(organizationId, name), select: METADATA });
  }

  /** A real delete: a soft-deleted row would keep ciphertext that the master key still opens. */
  async delete(organizationId: string, name: string): Promise<void> {
    await this.prisma.secret.deleteMany({ where: { organizationId, name } });
  }
}
