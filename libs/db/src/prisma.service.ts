import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { CONFIG, type Config } from '@edgefleet/config';
import { PrismaClient } from './generated/client';

const logger = new Logger('Postgres');

/**
 * The process's pool. Every connection keeps an error listener for its whole life: when Postgres
 * goes away (a restart, a failover) a connection may report the loss after pg's per-query
 * listeners are gone, and an 'error' event without a listener ends the process. Queries still
 * get their errors; the pool replaces the connections.
 */
function pool(config: Config): Pool {
  const p = new Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
  p.on('connect', (client) => client.on('error', (err) => logger.debug(`a database connection was lost: ${err.message}`)));
  return p;
}

/** The one Prisma client of a process, on the pg driver adapter. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(CONFIG) config: Config) {
    super({
      adapter: new PrismaPg(pool(config), { disposeExternalPool: true, onPoolError: (err) => logger.warn(`an idle database connection was lost: ${err.message}`) }),
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
