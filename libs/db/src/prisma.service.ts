import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { CONFIG, type Config } from '@edgefleet/config';
import { PrismaClient } from './generated/client';

/** The one Prisma client of a process, on the pg driver adapter. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(CONFIG) config: Config) {
    super({
      adapter: new PrismaPg({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE }),
      // Bursts (a wave of devices rebooting at once) wait for a connection instead of failing after Prisma's 2 s.
      transactionOptions: { maxWait: 15_000, timeout: 30_000 },
    });
  }

  /** A round trip to the database, for health checks. */
  async ping(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

export type Tx = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];
