import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { PrismaService } from '@edgefleet/db';
import { DevicePresenceService, DeviceService } from '@edgefleet/devices';
import { type HasApp, eventually, newOrganization, seedDevice, testConfig, testDatabase } from '@edgefleet/e2e-support';
import { OutboxRelay } from '../outbox/outbox.relay';
import { createWorker } from '../worker.app';

describe('worker: deleteDevice end to end', () => {
  const config = testConfig({ DATABASE_URL: testDatabase('worker') });
  let worker: INestApplicationContext;
  let api: HasApp;
  let prisma: PrismaService;
  let devices: DeviceService;

  beforeAll(async () => {
    worker = await createWorker(config);
    api = { app: worker };
    prisma = worker.get(PrismaService);
    devices = worker.get(DeviceService, { strict: false });
  });
  afterAll(() => worker.close());

  it('purges a deleted device and its dependents, and audits it', async () => {
    const org = await newOrganization(api);
    const device = await seedDevice(api, org, { name: 'bye' });
    await prisma.shadow.create({ data: { deviceId: device.deviceId, name: 'system', reported: { a: 1 } } });
    // What the deleteDevice mutation calls.
    expect((await devices.scheduleDeletion(org.admin, device.deviceId)).provisioningStatus).toBe('DELETING');

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
    const redis = new Redis(config.REDIS_URL);
    expect(await redis.exists(`${config.REDIS_PREFIX}:devices:purge-device-${device.deviceId}`)).toBe(0);
    redis.disconnect();

    expect(await worker.get(OutboxRelay).reconcile()).toBeGreaterThanOrEqual(1);
    const gone = await eventually(() => prisma.device.findUnique({ where: { deviceId: device.deviceId } }), (d) => d === null);
    expect(gone).toBeNull();
  });

  it('a repeated delivery is a no-op (at-least-once delivery, exactly-once effect)', async () => {
    const org = await newOrganization(api);
    const device = await seedDevice(api, org);
    await devices.scheduleDeletion(org.admin, device.deviceId);
    await eventually(() => prisma.device.findUnique({ where: { deviceId: device.deviceId } }), (d) => d === null);

    const queue = worker.get<Queue>(getQueueToken('devices'));
    const repeat = await queue.add('purge-device', { deviceId: device.deviceId, organizationId: org.organizationId }, { jobId: `repeat-${device.deviceId}` });
    const state = await eventually(() => repeat.getState(), (s) => s === 'completed' || s === 'failed');
    expect(state).toBe('completed');
    expect(await prisma.auditEvent.count({ where: { targetId: device.deviceId, action: 'device.purge' } })).toBe(1);
  });
});

describe('worker: silent devices go OFFLINE', () => {
  const config = testConfig({ DATABASE_URL: testDatabase('worker'), PRESENCE_HEARTBEAT_SECONDS: '1' });
  let worker: INestApplicationContext;
  beforeAll(async () => {
    worker = await createWorker(config);
  });
  afterAll(() => worker.close());

  it('after keep-alive × 1.5 (and two heartbeats) without news, even with no disconnect seen', async () => {
    const api = { app: worker };
    const prisma = worker.get(PrismaService);
    const org = await newOrganization(api);
    const [silent, fresh, longKeepAlive] = [await seedDevice(api, org), await seedDevice(api, org), await seedDevice(api, org)];
    const ago = (s: number) => new Date(Date.now() - s * 1000);
    const online = { provisioningStatus: 'SUCCEEDED' as const, deviceConnectionStatus: 'ONLINE' as const, connectionSession: 'gone' };
    await prisma.device.update({ where: { deviceId: silent.deviceId }, data: { ...online, keepAliveSeconds: 2, lastSeenAt: ago(10) } });
    await prisma.device.update({ where: { deviceId: fresh.deviceId }, data: { ...online, keepAliveSeconds: 2, lastSeenAt: new Date(Date.now() + 60_000) } });
    await prisma.device.update({ where: { deviceId: longKeepAlive.deviceId }, data: { ...online, keepAliveSeconds: 60, lastSeenAt: ago(10) } });
    const status = (id: string) => prisma.device.findUniqueOrThrow({ where: { deviceId: id } }).then((d) => d.deviceConnectionStatus);
    expect(await eventually(() => status(silent.deviceId), (s) => s === 'OFFLINE', 5000)).toBe('OFFLINE');
    expect(await status(fresh.deviceId)).toBe('ONLINE');
    expect(await status(longKeepAlive.deviceId)).toBe('ONLINE');
    const event = await prisma.deviceEvent.findFirst({ where: { deviceId: silent.deviceId, to: 'OFFLINE' } });
    expect(event).toMatchObject({ from: 'ONLINE', actor: 'system:worker', reason: 'MQTT_KEEP_ALIVE_TIMEOUT' });
  });
});

describe('presence ordering', () => {
  const config = testConfig({ DATABASE_URL: testDatabase('worker') });
  let worker: INestApplicationContext;
  beforeAll(async () => {
    worker = await createWorker(config);
  });
  afterAll(() => worker.close());

  it('a newer session wins, whatever order the events are processed in', async () => {
    const api = { app: worker };
    const prisma = worker.get(PrismaService);
    const presence = worker.get(DevicePresenceService, { strict: false });
    const org = await newOrganization(api);
    const device = await seedDevice(api, org);
    await prisma.device.update({ where: { deviceId: device.deviceId }, data: { provisioningStatus: 'SUCCEEDED', deviceConnectionStatus: 'NOT_AVAILABLE' } });
    const t = Date.now();
    await presence.connected(device.deviceId, 'B', 30, new Date(t), 'test');
    await presence.connected(device.deviceId, 'A', 30, new Date(t - 1000), 'test'); // older session, recorded late
    await presence.disconnected(device.deviceId, 'A', 'DUPLICATE_CLIENTID', 'test');
    expect(await prisma.device.findUniqueOrThrow({ where: { deviceId: device.deviceId } })).toMatchObject({ deviceConnectionStatus: 'ONLINE', connectionSession: 'B' });
    await presence.disconnected(device.deviceId, 'B', 'CLIENT_INITIATED_DISCONNECT', 'test');
    expect((await prisma.device.findUniqueOrThrow({ where: { deviceId: device.deviceId } })).deviceConnectionStatus).toBe('OFFLINE');
  });
});

