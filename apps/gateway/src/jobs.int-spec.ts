import { iotjobs, mqtt as sdkMqtt } from 'aws-iot-device-sdk-v2';
import type { MqttClient } from 'mqtt';
import { Readable } from 'node:stream';
import { PrismaService } from '@edgefleet/db';
import { type AppProcess, type TestOrganization, eventually, newOrganization, startApp, testDatabase, waitForOutput } from '@edgefleet/e2e-support';
import { JobManagementService, SoftwareImageService } from '@edgefleet/jobs';
import { MqttGateway } from './mqtt-gateway';
import { type DeviceCredentials, type RunningGateway, connect, newBundle, pemWriter, provisionDevice, request, sdkConnection, startGateway } from './test/gateway.harness';

/** The AWS IoT Jobs device API on our gateway, with the worker notifying, completing and timing out jobs. */
jest.setTimeout(30_000);

describe('gateway: device jobs over real mTLS, with the worker', () => {
  let gw: RunningGateway;
  let worker: AppProcess;
  let port: number;
  let prisma: PrismaService;
  let jobs: JobManagementService;
  let org: TestOrganization;
  const open: MqttClient[] = [];
  let n = 0;

  beforeAll(async () => {
    gw = await startGateway({ DATABASE_URL: testDatabase('gateway_jobs'), JOB_SWEEP_MS: '200' });
    // The real worker process, on this test's database and Redis prefix.
    worker = startApp('worker', { DATABASE_URL: gw.config.DATABASE_URL, REDIS_PREFIX: gw.config.REDIS_PREFIX, DATA_DIR: gw.config.DATA_DIR, JOB_SWEEP_MS: '200', LOG_LEVEL: 'warn' });
    await waitForOutput(worker, /worker running/);
    port = gw.app.get(MqttGateway).port;
    prisma = gw.app.get(PrismaService);
    jobs = gw.app.get(JobManagementService, { strict: false });
    org = await newOrganization(gw);
    const images = gw.app.get(SoftwareImageService, { strict: false });
    for (const version of ['4.3.55', '5.0.0']) {
      const image = await images.register(org.admin, { version });
      await images.receiveUpload(image.id, Readable.from([Buffer.from(`image ${version}`)]));
    }
  });
  afterEach(() => open.splice(0).forEach((c) => c.end(true)));
  afterAll(async () => {
    await worker.stop();
    await gw.app.close();
  });

  const jobsTopic = (id: string, rest: string) => `$aws/things/${id}/jobs/${rest}`;
  const systemUpdate = (id: string) => `$aws/things/${id}/shadow/name/system/update`;

  async function online(creds: DeviceCredentials, id: string) {
    const client = await connect(port, creds, { clientId: id });
    open.push(client);
    return client;
  }

  async function newDevice(software = '4.3.45') {
    const b = await newBundle(gw, org.admin, `jobs-${++n}`);
    const creds = await provisionDevice(port, b);
    const client = await online(creds, b.deviceId);
    await request(client, systemUpdate(b.deviceId), JSON.stringify({ state: { reported: { currentSoftware: software } } }));
    return { id: b.deviceId, client, creds };
  }

  const nextMessage = (client: MqttClient, topic: string) =>
    new Promise<any>((resolve) => {
      const on = (t: string, p: Buffer) => {
        if (t !== topic) return;
        client.off('message', on);
        resolve(JSON.parse(p.toString()));
      };
      client.on('message', on);
    });

  const job = (jobId: string) => prisma.deviceJob.findUniqueOrThrow({ where: { jobId }, include: { events: { orderBy: { id: 'asc' } } } });

  it('runs an OTA: notify-next, start-next, steps, SUCCEEDED, reboot, new version reported → COMPLETED', async () => {
    const { id, client, creds } = await newDevice();
    await client.subscribeAsync(jobsTopic(id, 'notify-next'));
    const notified = nextMessage(client, jobsTopic(id, 'notify-next'));
    const [created] = await jobs.createJobForDevices(org.admin, [id], { jobType: 'OTA', imageVersion: '4.3.55' });
    expect(created).toEqual({ jobId: `${id}-0`, deviceId: id });
    const note = await notified;
    expect(note.execution).toMatchObject({ jobId: created.jobId, status: 'QUEUED', versionNumber: 1, executionNumber: 1, jobDocument: { operation: 'OTA', imageVersion: '4.3.55', size: 12 } });

    const pending = await request(client, jobsTopic(id, 'get'), JSON.stringify({ thingName: id, clientToken: 'g1' }));
    expect(pending.body).toMatchObject({ inProgressJobs: [], queuedJobs: [{ jobId: created.jobId, versionNumber: 1 }], clientToken: 'g1' });

    const started = await request(client, jobsTopic(id, 'start-next'), JSON.stringify({ thingName: id, stepTimeoutInMinutes: 5, clientToken: 's1' }));
    expect(started).toMatchObject({ outcome: 'accepted', body: { clientToken: 's1', execution: { jobId: created.jobId, status: 'IN_PROGRESS', versionNumber: 2 } } });
    const doc = started.body.execution.jobDocument;
    expect(doc.url).toMatch(/\/images\/download\/[a-f0-9]{64}\?expires=\d+&signature=/);

    const update = (body: object) => request(client, jobsTopic(id, `${created.jobId}/update`), JSON.stringify({ thingName: id, jobId: created.jobId, ...body }));
    expect((await update({ status: 'IN_PROGRESS', statusDetails: { step: 'DOWNLOADING' }, expectedVersion: 2, executionNumber: 1, includeJobExecutionState: true })).body)
      .toMatchObject({ executionState: { status: 'IN_PROGRESS', statusDetails: { step: 'DOWNLOADING' }, versionNumber: 3 } });
    // A stale expectedVersion changes nothing.
    const stale = await update({ status: 'IN_PROGRESS', statusDetails: { step: 'VERIFYING' }, expectedVersion: 2 });
    expect(stale).toMatchObject({ outcome: 'rejected', body: { code: 'VersionMismatch', executionState: { versionNumber: 3 } } });
    await update({ status: 'IN_PROGRESS', statusDetails: { step: 'VERIFYING' }, expectedVersion: 3 });
    expect((await job(created.jobId)).status).toBe('VERIFYING');
    expect((await update({ status: 'IN_PROGRESS', statusDetails: { step: 'DOWNLOADING' } })).body.code).toBe('InvalidStateTransition');
    expect((await update({ status: 'SUCCEEDED', statusDetails: { step: 'REBOOTING' }, includeJobExecutionState: true })).body.executionState.status).toBe('SUCCEEDED');
    expect((await job(created.jobId)).status).toBe('REBOOTING');
    // A regression after SUCCEEDED is refused.
    expect((await update({ status: 'IN_PROGRESS' })).body).toMatchObject({ code: 'InvalidStateTransition', executionState: { status: 'SUCCEEDED' } });

    // The reboot: the device goes away, comes back and reports the new version.
    await client.endAsync(true);
    const back = await online(creds, id);
    await request(back, systemUpdate(id), JSON.stringify({ state: { reported: { currentSoftware: '4.3.55' } } }));
    const done = await eventually(() => job(created.jobId), (j) => j.status === 'COMPLETED');
    expect(done).toMatchObject({ status: 'COMPLETED', executionStatus: 'SUCCEEDED', attempts: 1 });
    expect(done.events.map((e) => e.to)).toEqual(['PENDING', 'IN_PROGRESS', 'DOWNLOADING', 'VERIFYING', 'REBOOTING', 'COMPLETED']);
  });

  it('fails an OTA whose device comes back on the old version, with that reason', async () => {
    const { id, client, creds } = await newDevice();
    const [created] = await jobs.createJobForDevices(org.admin, [id], { jobType: 'OTA', imageVersion: '4.3.55' });
    await request(client, jobsTopic(id, 'start-next'), '{}');
    await request(client, jobsTopic(id, `${created.jobId}/update`), JSON.stringify({ status: 'SUCCEEDED' }));
    await client.endAsync(true);
    const back = await online(creds, id);
    await request(back, systemUpdate(id), JSON.stringify({ state: { reported: { currentSoftware: '4.3.45' } } }));
    const failed = await eventually(() => job(created.jobId), (j) => j.status === 'FAILED');
    expect(failed).toMatchObject({ status: 'FAILED', statusReason: 'The device came back on 4.3.45, not 4.3.55' });
  });

  it('completes a REBOOT when the device reconnects', async () => {
    const { id, client, creds } = await newDevice();
    const [created] = await jobs.createJobForDevices(org.admin, [id], { jobType: 'REBOOT' });
    const started = await request(client, jobsTopic(id, 'start-next'), '{}');
    expect(started.body.execution.jobDocument).toEqual({ operation: 'REBOOT' });
    expect((await request(client, jobsTopic(id, `${created.jobId}/update`), JSON.stringify({ status: 'IN_PROGRESS', statusDetails: { step: 'DOWNLOADING' } }))).body.code).toBe('InvalidRequest');
    await request(client, jobsTopic(id, `${created.jobId}/update`), JSON.stringify({ status: 'SUCCEEDED', statusDetails: { step: 'REBOOTING' } }));
    await new Promise((r) => setTimeout(r, 500));
    expect((await job(created.jobId)).status).toBe('REBOOTING'); // not before the device is back
    await client.endAsync(true);
    await online(creds, id);
    expect((await eventually(() => job(created.jobId), (j) => j.status === 'COMPLETED')).status).toBe('COMPLETED');
  });

  it('refuses bad requests precisely and changes nothing', async () => {
    const a = await newDevice();
    const b = await newDevice();
    const [ja] = await jobs.createJobForDevices(org.admin, [a.id], { jobType: 'OTA', imageVersion: '4.3.55' });
    const [jb] = await jobs.createJobForDevices(org.admin, [b.id], { jobType: 'REBOOT' });
    const before = await job(ja.jobId);
    const cases: [string, string | Buffer, string][] = [
      [jobsTopic(a.id, `${ja.jobId}/update`), 'not json', 'InvalidJson'],
      [jobsTopic(a.id, `${ja.jobId}/update`), '{}', 'InvalidRequest'],
      [jobsTopic(a.id, `${ja.jobId}/update`), JSON.stringify({ status: 'BOGUS' }), 'InvalidRequest'],
      [jobsTopic(a.id, `${ja.jobId}/update`), JSON.stringify({ status: 'CANCELED' }), 'InvalidRequest'],
      [jobsTopic(a.id, `${ja.jobId}/update`), JSON.stringify({ status: 'IN_PROGRESS', statusDetails: { step: 7 } }), 'InvalidRequest'],
      [jobsTopic(a.id, `${ja.jobId}/update`), JSON.stringify({ status: 'IN_PROGRESS', executionNumber: 2 }), 'InvalidRequest'],
      [jobsTopic(a.id, `${ja.jobId}/update`), JSON.stringify({ status: 'IN_PROGRESS', jobId: jb.jobId }), 'InvalidRequest'],
      // Someone else's job reads as unknown.
      [jobsTopic(a.id, `${jb.jobId}/update`), JSON.stringify({ status: 'SUCCEEDED' }), 'ResourceNotFound'],
      [jobsTopic(a.id, `${jb.jobId}/get`), '{}', 'ResourceNotFound'],
      [jobsTopic(a.id, 'nope/nope/update'), '{}', 'InvalidTopic'],
    ];
    for (const [topic, payload, code] of cases) {
      const r = await request(a.client, topic, payload);
      expect({ topic, payload: String(payload), outcome: r.outcome, code: r.body.code }).toEqual({ topic, payload: String(payload), outcome: 'rejected', code });
    }
    expect(await job(ja.jobId)).toEqual(before);
    expect((await job(jb.jobId)).status).toBe('PENDING');
  });

  it('times out a job whose device never takes it, and retries a failed attempt as a new execution', async () => {
    const { id, client } = await newDevice();
    const timed = await prisma.$transaction((tx) =>
      jobs.createJobs(tx, org.organizationId, [id], { jobType: 'REBOOT' }, { actor: 'test', strict: true, timeouts: { queuedSeconds: 1 } }),
    );
    const out = await eventually(() => job(timed[0].jobId), (j) => j.status === 'TIMED_OUT', 10_000);
    expect(out).toMatchObject({ status: 'TIMED_OUT', executionStatus: 'TIMED_OUT', statusReason: 'Timed out while PENDING' });

    const [retried] = await prisma.$transaction((tx) => jobs.createJobs(tx, org.organizationId, [id], { jobType: 'OTA', imageVersion: '4.3.55' }, { actor: 'test', strict: true, maxAttempts: 2 }));
    await request(client, jobsTopic(id, 'start-next'), '{}');
    const failed = await request(client, jobsTopic(id, `${retried.jobId}/update`), JSON.stringify({ status: 'FAILED', statusDetails: { reason: 'disk full' }, includeJobExecutionState: true }));
    expect(failed.body).toMatchObject({ executionState: { status: 'QUEUED' } });
    const again = await request(client, jobsTopic(id, 'start-next'), '{}');
    expect(again.body.execution).toMatchObject({ jobId: retried.jobId, executionNumber: 2, status: 'IN_PROGRESS' });
    expect(await job(retried.jobId)).toMatchObject({ attempts: 2, statusReason: 'disk full; retrying (attempt 2 of 2)' });
  });

  it('times out a job whose device went away mid-download and never returned', async () => {
    const { id, client } = await newDevice();
    const [created] = await prisma.$transaction((tx) =>
      jobs.createJobs(tx, org.organizationId, [id], { jobType: 'OTA', imageVersion: '4.3.55' }, { actor: 'test', strict: true, timeouts: { inProgressSeconds: 1 } }),
    );
    await request(client, jobsTopic(id, 'start-next'), '{}');
    await request(client, jobsTopic(id, `${created.jobId}/update`), JSON.stringify({ status: 'IN_PROGRESS', statusDetails: { step: 'DOWNLOADING' } }));
    await client.endAsync(true);
    const out = await eventually(() => job(created.jobId), (j) => j.status === 'TIMED_OUT');
    expect(out).toMatchObject({ status: 'TIMED_OUT', executionStatus: 'TIMED_OUT', statusReason: 'Timed out while DOWNLOADING' });
  });

  it('serves an agent written with aws-iot-device-sdk-v2 iotjobs, unchanged', async () => {
    const b = await newBundle(gw, org.admin, `sdk-jobs-${++n}`);
    const creds = await provisionDevice(port, b);
    const file = pemWriter('sdk-jobs-');
    const conn = sdkConnection(port, { cert: file('d.crt', creds.cert), key: file('d.key', creds.key), ca: file('ca.pem', creds.ca) }, b.deviceId);
    await conn.connect();
    try {
      const client = new iotjobs.IotJobsClient(conn);
      const Q = sdkMqtt.QoS.AtLeastOnce;
      const thing = { thingName: b.deviceId };
      const next = <T>(subscribe: (cb: (e?: unknown, r?: T) => void) => Promise<unknown>) =>
        new Promise<T>((resolve, reject) => void subscribe((e, r) => (e ? reject(e) : resolve(r!))).catch(reject));

      const notified = next<iotjobs.model.NextJobExecutionChangedEvent>((cb) => client.subscribeToNextJobExecutionChangedEvents(thing, Q, cb));
      await new Promise((r) => setTimeout(r, 200));
      const [created] = await jobs.createJobForDevices(org.admin, [b.deviceId], { jobType: 'REBOOT' });
      expect((await notified).execution).toMatchObject({ jobId: created.jobId, status: 'QUEUED', jobDocument: { operation: 'REBOOT' } });

      const started = next<iotjobs.model.StartNextJobExecutionResponse>((cb) => client.subscribeToStartNextPendingJobExecutionAccepted(thing, Q, cb));
      await new Promise((r) => setTimeout(r, 100));
      await client.publishStartNextPendingJobExecution({ ...thing, clientToken: 's1', stepTimeoutInMinutes: 5 }, Q);
      expect(await started).toMatchObject({ clientToken: 's1', execution: { jobId: created.jobId, status: 'IN_PROGRESS', versionNumber: 2, executionNumber: 1 } });

      const updated = next<iotjobs.model.UpdateJobExecutionResponse>((cb) => client.subscribeToUpdateJobExecutionAccepted({ ...thing, jobId: '+' }, Q, cb));
      const rejected = next<iotjobs.model.RejectedErrorResponse>((cb) => client.subscribeToUpdateJobExecutionRejected({ ...thing, jobId: created.jobId }, Q, cb));
      await new Promise((r) => setTimeout(r, 100));
      await client.publishUpdateJobExecution({ ...thing, jobId: created.jobId, status: iotjobs.model.JobStatus.SUCCEEDED, statusDetails: { step: 'REBOOTING' }, expectedVersion: 2, includeJobExecutionState: true, clientToken: 'u1' }, Q);
      expect(await updated).toMatchObject({ clientToken: 'u1', executionState: { status: 'SUCCEEDED', statusDetails: { step: 'REBOOTING' }, versionNumber: 3 } });
      await client.publishUpdateJobExecution({ ...thing, jobId: created.jobId, status: iotjobs.model.JobStatus.IN_PROGRESS, clientToken: 'u2' }, Q);
      expect(await rejected).toMatchObject({ code: 'InvalidStateTransition', clientToken: 'u2', executionState: { status: 'SUCCEEDED' } });

      const pending = next<iotjobs.model.GetPendingJobExecutionsResponse>((cb) => client.subscribeToGetPendingJobExecutionsAccepted(thing, Q, cb));
      await new Promise((r) => setTimeout(r, 100));
      await client.publishGetPendingJobExecutions({ ...thing, clientToken: 'g' } as never, Q);
      expect(await pending).toMatchObject({ inProgressJobs: [], queuedJobs: [], clientToken: 'g' });
    } finally {
      await conn.disconnect();
    }
  });
});
