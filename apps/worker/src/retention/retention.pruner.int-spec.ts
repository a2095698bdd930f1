import type { INestApplicationContext } from '@nestjs/common';
import { PrismaService } from '@edgefleet/db';
import { newOrganization, seedDevice, testConfig, testDatabase } from '@edgefleet/e2e-support';
import { createWorker } from '../worker.app';
import { RetentionPruner } from './retention.pruner';

const DAY = 86_400_000;

describe('worker: retention', () => {
  const config = testConfig({ DATABASE_URL: testDatabase('retention'), RETENTION_BATCH: '7' });
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  beforeAll(async () => {
    worker = await createWorker(config);
    prisma = worker.get(PrismaService);
  });
  afterAll(() => worker.close());

  it('prunes old history in batches, keeps audit longest, and never touches pending work', async () => {
    const org = await newOrganization({ app: worker });
    const device = await seedDevice({ app: worker }, org);
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const key = (tag: string, i: number) => `retention-${device.deviceId}-${tag}-${i}`;
    const outbox = (tag: string, n: number, at: Date, completed: boolean) =>
      prisma.outboxMessage.createMany({
        data: Array.from({ length: n }, (_, i) => ({ queue: 'devices', jobName: 'none', payload: {}, idempotencyKey: key(tag, i), createdAt: at, dispatchedAt: at, completedAt: completed ? at : null })),
      });
    // 20 completed a month ago (beyond 7 days), 3 completed yesterday, 4 pending for a month (a worker's backlog).
    await outbox('old', 20, ago(30), true);
    await outbox('new', 3, ago(1), true);
    await outbox('pending', 4, ago(30), false);
    const events = (n: number, at: Date) =>
      prisma.deviceEvent.createMany({ data: Array.from({ length: n }, () => ({ deviceId: device.deviceId, field: 'deviceConnectionStatus', from: 'ONLINE', to: 'OFFLINE', actor: 'test', at })) });
    await events(15, ago(100));
    await events(2, ago(10));
    const audit = (n: number, at: Date) =>
      prisma.auditEvent.createMany({ data: Array.from({ length: n }, () => ({ organizationId: org.organizationId, actor: 'test', action: 'test.old', targetType: 'Device', targetId: device.deviceId, at })) });
    await audit(9, ago(400));
    await audit(5, ago(100)); // older than events' retention, younger than audit's

    const deleted = await worker.get(RetentionPruner).prune(now);

    const keys = await prisma.outboxMessage.findMany({ where: { idempotencyKey: { startsWith: `retention-${device.deviceId}` } }, select: { idempotencyKey: true } });
    expect(keys.map((k) => k.idempotencyKey.split('-').at(-2)).sort()).toEqual([...Array(3).fill('new'), ...Array(4).fill('pending')].sort());
    expect(await prisma.deviceEvent.count({ where: { deviceId: device.deviceId, actor: 'test' } })).toBe(2);
    expect(await prisma.auditEvent.count({ where: { organizationId: org.organizationId, action: 'test.old' } })).toBe(5);
    // Batches of 7: 20 outbox rows took three statements; nothing pending or recent was counted.
    expect(deleted).toMatchObject({ OutboxMessage: 20, DeviceEvent: 15, AuditEvent: 9 });
    // A second pass finds nothing more: the tables stay bounded.
    expect(await worker.get(RetentionPruner).prune(now)).toMatchObject({ OutboxMessage: 0, DeviceEvent: 0, AuditEvent: 0 });
  });
});
