import { Injectable } from '@nestjs/common';
import { PrismaService, type Tx } from './prisma.service';

/**
 * What every repository is: the SQL of one feature (`<feature>.repository.ts`), and the
 * transactions its use cases run in, so services hold use cases only and never the client.
 */
@Injectable()
export abstract class Repository {
  constructor(protected readonly prisma: PrismaService) {}

  /** Runs `work` in one transaction: what it writes commits together, or nothing does. */
  transaction<T>(work: (tx: Tx) => Promise<T>, timeoutMs?: number): Promise<T> {
    return this.prisma.$transaction(work, timeoutMs ? { timeout: timeoutMs } : undefined);
  }
}
