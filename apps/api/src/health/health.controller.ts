import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { PrismaService } from '@edgefleet/db';
import { RedisConnections } from '@edgefleet/runtime';

const TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS).unref())]);
}

/** Liveness and readiness: Postgres and Redis are checked; a failing one is named, with 503. */
@Controller('health')
export class HealthController {
  private readonly redis: Redis;

  constructor(
    private readonly prisma: PrismaService,
    redis: RedisConnections,
  ) {
    // A probe of its own that fails fast instead of queueing while Redis is down.
    this.redis = redis.connect('health', { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  }

  @Get()
  async check(@Res() reply: FastifyReply) {
    const checks = await Promise.allSettled([
      withTimeout(this.prisma.ping()),
      withTimeout(this.redis.status === 'ready' ? this.redis.ping() : this.redis.connect().then(() => this.redis.ping())),
    ]);
    const [postgres, redis] = checks.map((c) => (c.status === 'fulfilled' ? 'up' : `down: ${(c.reason as Error).message}`));
    const ok = postgres === 'up' && redis === 'up';
    reply.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({ status: ok ? 'ok' : 'unavailable', postgres, redis });
  }
}
