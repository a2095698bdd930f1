import { Controller, Get, HttpStatus, Inject, type OnModuleDestroy, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Redis } from 'ioredis';
import { CONFIG, type Config } from '@edgefleet/config';
import { PrismaService } from '@edgefleet/db';

const TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS).unref())]);
}

/** Liveness and readiness: Postgres and Redis are checked; a failing one is named, with 503. */
@Controller('health')
export class HealthController implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(CONFIG) config: Config,
  ) {
    this.redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined); // reported through the check below
  }

  @Get()
  async check(@Res() reply: FastifyReply) {
    const checks = await Promise.allSettled([
      withTimeout(this.prisma.$queryRaw`SELECT 1`),
      withTimeout(this.redis.status === 'ready' ? this.redis.ping() : this.redis.connect().then(() => this.redis.ping())),
    ]);
    const [postgres, redis] = checks.map((c) => (c.status === 'fulfilled' ? 'up' : `down: ${(c.reason as Error).message}`));
    const ok = postgres === 'up' && redis === 'up';
    reply.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({ status: ok ? 'ok' : 'unavailable', postgres, redis });
  }

  onModuleDestroy() {
    this.redis.disconnect();
  }
}
