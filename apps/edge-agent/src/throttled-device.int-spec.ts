import type { MqttClient } from 'mqtt';
import { Readable } from 'node:stream';
import { PrismaService } from '@edgefleet/db';
import { type AppProcess, type TestOrganization, eventually, newOrganization, startApp, testDatabase, waitForOutput } from '@edgefleet/e2e-support';
import { JobManagementService, SoftwareImageService } from '@edgefleet/jobs';
// The agent's own classes against a real gateway in this process (the gateway harness is the gateway's tests').
// eslint-disable-next-line @nx/enforce-module-boundaries
import { MqttGateway } from '../../gateway/src/mqtt-gateway';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { type RunningGateway, newBundle, provisionDevice, startGateway } from '../../gateway/src/test/gateway.harness';
import { connectDevice } from './device.connection';
import { virtualExecutor } from './fleet.simulator';
import { JobRunner } from './job.runner';
import { ShadowSync } from './shadow.sync';

/**
 * The hardening issue's lost completion: devices that had reported SUCCEEDED came back
 * but their new version was never recorded, so their OTA jobs sat in REBOOTING. A device
 * whose requests are refused with "not now" (a 429 for the thing's request rate, a 5xx
 * under load) must ask again: here every request past one a second is throttled, so the
 * agent's reports and job updates around the reboot are refused, and the job still completes.
 */
jest.setTimeout(60_000);

describe('edge agent: an OTA through a gateway that throttles the device', () => {
  let gw: RunningGateway;
  let slow: RunningGateway;
  let worker: AppProcess;
  let org: TestOrganization;
  let client: MqttClient | undefined;
  let sync: ShadowSync;
  let thing: string;
  const device = { software: '4.3.45' };

  beforeAll(async () => {
    gw = await startGateway({ DATABASE_URL: testDatabase('agent'), JOB_SWEEP_MS: '200' });
    // A second gateway of the same installation, where the device connects: one request a second, no burst.
    const shared = { DATABASE_URL: gw.config.DATABASE_URL, REDIS_PREFIX: gw.config.REDIS_PREFIX, DATA_DIR: gw.config.DATA_DIR };
    slow = await startGateway({ ...shared, DEVICE_REQUESTS_PER_SECOND: '1', DEVICE_REQUEST_BURST: '1' });
    worker = startApp('worker', { ...shared, JOB_SWEEP_MS: '200', LOG_LEVEL: 'warn' });
    await waitForOutput(worker, /worker running/);
    org = await newOrganization(gw);
    const image = await gw.app.get(SoftwareImageService, { strict: false }).register(org.admin, { version: '4.3.55' });
    await gw.app.get(SoftwareImageService, { strict: false }).receiveUpload(image.id, Readable.from([Buffer.from('image 4.3.55')]));
  });
  afterAll(async () => {
    client?.end(true);
    await worker.stop();
    await slow.app.close();
    await gw.app.close();
  });

  it('asks again after each refusal: the new version is recorded and the job COMPLETED, never FAILED', async () => {
    const prisma = gw.app.get(PrismaService);
    const b = await newBundle(gw, org.admin, 'throttled-cam');
    const creds = await provisionDevice(gw.app.get(MqttGateway).port, b);
    thing = b.deviceId;
    let refused = 0;
    client = connectDevice({ thingName: b.deviceId, endpoint: { host: 'localhost', port: slow.app.get(MqttGateway).port }, certificatePem: creds.cert, privateKeyPem: creds.key, rootCaPem: creds.ca });
    client.on('message', (topic, payload) => topic.endsWith('/rejected') && /429|RequestThrottled/.test(payload.toString()) && refused++);
    sync = new ShadowSync(client, b.deviceId, () => ({ currentSoftware: device.software }));
    new JobRunner(client, b.deviceId, virtualExecutor(client, device, { stepMs: 20, rebootMs: 300 }, { installs: 0, repeatedInstalls: 0 }));
    await eventually(() => prisma.device.findUniqueOrThrow({ where: { deviceId: b.deviceId } }), (d) => d.currentSoftware === '4.3.45', 20_000);

    const [created] = await gw.app.get(JobManagementService, { strict: false }).createJobForDevices(org.admin, [b.deviceId], { jobType: 'OTA', imageVersion: '4.3.55' });
    const job = () => prisma.deviceJob.findUniqueOrThrow({ where: { jobId: created.jobId }, include: { events: { orderBy: { id: 'asc' } } } });
    const done = await eventually(job, (j) => j.status === 'COMPLETED' || j.status === 'FAILED', 45_000);

    expect(refused).toBeGreaterThan(0); // the throttle did refuse the device's requests
    expect(done.events.map((e) => e.to)).toEqual(['PENDING', 'IN_PROGRESS', 'DOWNLOADING', 'VERIFYING', 'REBOOTING', 'COMPLETED']);
    expect((await prisma.device.findUniqueOrThrow({ where: { deviceId: b.deviceId } })).currentSoftware).toBe('4.3.55');
  });

  it('reports its system shadow again after a 429', async () => {
    const prisma = gw.app.get(PrismaService);
    const rejected = new Promise<string>((resolve) => client!.on('message', (t, p) => t.endsWith('/shadow/name/system/update/rejected') && resolve(p.toString())));
    await new Promise((r) => setTimeout(r, 1100)); // a full bucket: one request
    client!.publish(`$aws/things/${thing}/shadow/name/system/get`, '{}'); // takes it
    device.software = '4.3.56';
    sync.publishReport({ currentSoftware: device.software });
    expect(JSON.parse(await rejected)).toMatchObject({ code: 429 });
    const d = await eventually(() => prisma.device.findUniqueOrThrow({ where: { deviceId: thing } }), (x) => x.currentSoftware === '4.3.56', 10_000);
    expect(d.currentSoftware).toBe('4.3.56');
  });
});
