import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { PrismaService } from '@edgefleet/db';
import { type RunningApi, newOrganization, seedDevice, startApi } from '../../../../e2e/support/api-harness';
import { gql } from '../../../../e2e/support/graphql-client';
import { OutboxRelay } from '../outbox/outbox.relay';
import { createWorker } from '../worker.app';

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('worker: deleteDevice end to end', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let prisma: PrismaService;

  beforeAll(async () => {
    api = await startApi();
    worker = await createWorker(api.config); // same database and Redis prefix as the api
    prisma = api.app.get(PrismaService);
  });
  afterAll(async () => {
    await worker.close();
    await api.app.close();
  });

  it('purges a deleted device and its dependents, and audits it', async () => {
    const org = await newOrganization(api);
    const device = await seedDevice(api, org, { name: 'bye' });
    await prisma.shadow.create({ data: { deviceId: device.deviceId, name: 'system', reported: { a: 1 } } });
    const r = await gql(api.url, org.adminKey, 'mutation($id: ID!) { deleteDevice(deviceId: $id) { provisioningStatus } }', { id: device.deviceId });
    expect(r.data!.deleteDevice.provisioningStatus).toBe('DELETING');

    const gone = await eventually(() => prisma.device.findUnique({ where: { deviceId: device.deviceId } }), (d) => d === null);
    expect(gone).toBeNull();
    expect(await prisma.shadow.count({ where: { deviceId: device.deviceId } })).toBe(0);
    expect(await prisma.deviceEvent.count({ where: { deviceId: device.deviceId } })).toBe(0);
    const outbox = await eventually(
      () => prisma.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: `purge-device-${device.deviceId}` } }),
      (m) => m.completedAt !== null,
    );
    expect(outbox.completedAt).not.toBeNull();
    const audit = await prisma.auditEvent.findFirst({ where: { targetId: device.deviceId, action: 'device.purge' } });
    expect(audit?.actor).toBe('system:worker');

    // The name is free again; a new registration gets a new DeviceId.
    const again = await seedDevice(api, org, { name: 'bye' });
    expect(again.deviceId).not.toBe(device.deviceId);
  });

  it('re-enqueues what Redis lost (reconciler)', async () => {
    const org = await newOrganization(api);
    const device = await seedDevice(api, org);
    await prisma.device.update({ where: { deviceId: device.deviceId }, data: { provisioningStatus: 'DELETING' } });
    // As if the relay had dispatched it long ago and Redis was then flushed: the job exists nowhere.
    await prisma.outboxMessage.create({
      data: {
        queue: 'devices',
        jobName: 'purge-device',
        payload: { deviceId: device.deviceId, organizationId: org.organizationId },
        idempotencyKey: `purge-device-${device.deviceId}`,
        dispatchedAt: new Date(Date.now() - 60_000),
      },
    });
    const redis = new Redis(api.config.REDIS_URL);
    expect(await redis.exists(`${api.config.REDIS_PREFIX}:devices:purge-device-${device.deviceId}`)).toBe(0);
    redis.disconnect();

    expect(await worker.get(OutboxRelay).reconcile()).toBeGreaterThanOrEqual(1);
    const gone = await eventually(() => prisma.device.findUnique({ where: { deviceId: device.deviceId } }), (d) => d === null);
    expect(gone).toBeNull();
  });

  it('a repeated delivery is a no-op (at-least-once delivery, exactly-once effect)', async () => {
    const org = await newOrganization(api);
    const device = await seedDevice(api, org);
    await gql(api.url, org.adminKey, 'mutation($id: ID!) { deleteDevice(deviceId: $id) { name } }', { id: device.deviceId });
    await eventually(() => prisma.device.findUnique({ where: { deviceId: device.deviceId } }), (d) => d === null);

    const queue = worker.get<Queue>(getQueueToken('devices'));
    const repeat = await queue.add('purge-device', { deviceId: device.deviceId, organizationId: org.organizationId }, { jobId: `repeat-${device.deviceId}` });
    const state = await eventually(() => repeat.getState(), (s) => s === 'completed' || s === 'failed');
    expect(state).toBe('completed');
    expect(await prisma.auditEvent.count({ where: { targetId: device.deviceId, action: 'device.purge' } })).toBe(1);
  });
});
