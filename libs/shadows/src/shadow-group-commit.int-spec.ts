import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomInt, randomUUID } from 'node:crypto';
import { loadConfig } from '@edgefleet/config';
import { RuntimeModule } from '@edgefleet/runtime';
import { DbModule, PrismaService } from '@edgefleet/db';
import { DomainError } from '@edgefleet/domain';
import type { ShadowFollower } from '@edgefleet/iot';
import { ShadowDeviceApi } from './shadow-device-api.service';
import { ShadowRepository } from './shadow.repository';

// The database the integration global setup migrated (e2e/support/test-env.ts).
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/edgefleet_test';

describe('ShadowDeviceApi group commit (Postgres)', () => {
  let app: INestApplicationContext;
  let prisma: PrismaService;
  let shadows: ShadowDeviceApi;
  let organizationId: string;

  beforeAll(async () => {
    const config = loadConfig({ DATABASE_URL, DATABASE_POOL_SIZE: '4', LOG_LEVEL: 'silent' });
    const root: DynamicModule = { module: class ShadowTestModule {}, imports: [RuntimeModule.forRoot(config), DbModule], providers: [ShadowDeviceApi, ShadowRepository] };
    app = await NestFactory.createApplicationContext(root, { logger: false });
    prisma = app.get(PrismaService);
    shadows = app.get(ShadowDeviceApi);
    organizationId = (await prisma.organization.create({ data: { name: `shadows-${randomUUID().slice(0, 8)}`, accountId: String(randomInt(100_000_000_000, 999_999_999_999)) } })).id;
  });

  afterAll(async () => {
    await prisma.organization.delete({ where: { id: organizationId } });
    await app.close();
  });

  const devices = async (n: number) => {
    const ids = Array.from({ length: n }, () => `device-${randomUUID().replace(/[^a-z]/g, 'a').padEnd(26, 'a').slice(0, 26)}`);
    await prisma.device.createMany({ data: ids.map((deviceId, i) => ({ deviceId, organizationId, name: `gc-${i}-${randomUUID().slice(0, 6)}` })) });
    return ids;
  };

  it('keeps per-shadow order and exact versions when many updates of many shadows arrive at once; a conflict rejects only itself', async () => {
    const ids = await devices(20);
    const sent = ids.flatMap((id) => Array.from({ length: 10 }, (_, n) => ({ id, n })));
    const results = await Promise.allSettled(
      sent.map(({ id, n }) =>
        // The 5th update of each shadow expects version 1, which it cannot be by then (4 came before it).
        shadows.update(id, 'system', { state: { reported: { n } }, ...(n === 4 ? { version: 1 } : {}) }),
      ),
    );
    const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [{ ...sent[i], err: r.reason as DomainError }] : []));
    expect(rejected.map((r) => [r.n, r.err.reason])).toEqual(ids.map(() => [4, 'VERSION_CONFLICT']));
    // Accepted in arrival order: versions 1..9 for n = 0..3, 5..9, and the document holds the last.
    for (const id of ids) {
      const versions = results.flatMap((r, i) => (sent[i].id === id && r.status === 'fulfilled' ? [[sent[i].n, (r.value.accepted as { version: number }).version]] : []));
      expect(versions).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9].map((n, v) => [n, v + 1]));
      const row = await prisma.shadow.findUniqueOrThrow({ where: { deviceId_name: { deviceId: id, name: 'system' } } });
      expect([row.version, row.reported]).toEqual([9, { n: 9 }]);
    }
  });

  it('writes followers once per batch; a follower refusing one update, or a write failing, rejects that update alone', async () => {
    const ids = await devices(30);
    const calls: number[] = [];
    const follower: ShadowFollower<number> = {
      key: 'test',
      prepare: (thingName, doc) => {
        if (thingName === ids[3]) throw new DomainError('INVALID_ARGUMENT', 'refused by the follower');
        return doc.version;
      },
      write: async (tx, items) => {
        calls.push(items.length);
        // A write that fails for one device (a foreign key that does not exist) fails its whole transaction.
        await tx.$executeRaw`INSERT INTO "DeviceEvent" ("deviceId", field, "from", "to", actor) SELECT d, 'test', '', '', 'test' FROM unnest(${items.map((i) => (i.thingName === ids[7] ? 'device-missing' : i.thingName))}::text[]) AS d`;
        return items.map(() => true);
      },
    };
    const results = await Promise.allSettled(ids.map((id) => shadows.update(id, 'apps', { state: { reported: { ok: true } } }, undefined, follower)));
    const outcome = results.map((r) => (r.status === 'fulfilled' ? 'accepted' : ((r.reason as DomainError).reason ?? 'database')));
    expect(outcome.filter((o) => o === 'accepted')).toHaveLength(28);
    expect([outcome[3], outcome[7]]).toEqual(['INVALID_ARGUMENT', 'database']);
    expect(results.every((r) => r.status === 'rejected' || r.value.projected)).toBe(true);
    // Nothing of the refused or failed updates was written; everything else was, with its follower's row.
    expect(await prisma.shadow.count({ where: { deviceId: { in: ids }, name: 'apps' } })).toBe(28);
    expect(await prisma.shadow.count({ where: { deviceId: { in: [ids[3], ids[7]] } } })).toBe(0);
    expect(await prisma.deviceEvent.count({ where: { deviceId: { in: ids }, field: 'test' } })).toBe(28);
    // The first transaction took all 30 updates at once (29 reached the follower's write); when it failed, each went alone.
    expect(calls[0]).toBe(29);
  });
});
