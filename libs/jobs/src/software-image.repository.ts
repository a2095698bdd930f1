import { Injectable } from '@nestjs/common';
import { Repository, type Tx } from '@edgefleet/db';

export type SoftwareImageRow = { id: string; version: string; releaseNotes: string | null; majorVersionUpdate: boolean; sha256: string | null; size: bigint | null; uploadedAt: Date | null; createdAt: Date };

/** The SQL of software images (the files are in the artifact store). */
@Injectable()
export class SoftwareImageRepository extends Repository {
  insert(tx: Tx, image: { organizationId: string; version: string; releaseNotes: string | null; majorVersionUpdate: boolean }): Promise<SoftwareImageRow> {
    return tx.softwareImage.create({ data: image });
  }

  list(organizationId: string): Promise<SoftwareImageRow[]> {
    return this.prisma.softwareImage.findMany({ where: { organizationId } });
  }

  byVersion(organizationId: string, version: string): Promise<SoftwareImageRow | null> {
    return this.prisma.softwareImage.findUnique({ where: { organizationId_version: { organizationId, version } } });
  }

  byId(id: string): Promise<SoftwareImageRow | null> {
    return this.prisma.softwareImage.findUnique({ where: { id } });
  }

  /** Records the uploaded file unless another upload did first: whether this one did. */
  async markUploaded(id: string, file: { sha256: string; size: bigint; storageKey: string; uploadedAt: Date }): Promise<boolean> {
    return (await this.prisma.softwareImage.updateMany({ where: { id, uploadedAt: null }, data: file })).count === 1;
  }

  async usesFile(sha256: string): Promise<boolean> {
    return (await this.prisma.softwareImage.count({ where: { sha256 } })) > 0;
  }
}
