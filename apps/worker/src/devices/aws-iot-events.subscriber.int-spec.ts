import { CancelJobCommand, CreateJobCommand, DescribeThingCommand, IoTClient } from '@aws-sdk/client-iot';
import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import type { INestApplicationContext } from '@nestjs/common';
import { mockClient } from 'aws-sdk-client-mock';
import mqtt from 'mqtt';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeploymentService } from '@edgefleet/applications';
import { APPLICATIONS_SHADOW, REPORTED_NODE_REASON_MAX, REPORTED_REASON_MAX, type ShadowDocument, applyShadowUpdate, shadowView } from '@edgefleet/contracts';
import { PrismaService } from '@edgefleet/db';
import { type ResolvedGraph, newApplicationInstanceId } from '@edgefleet/domain';
import { eventually, newOrganization, seedDevice, testConfig, testDatabase } from '@edgefleet/e2e-support';
import { JobManagementService } from '@edgefleet/jobs';
import { createWorker } from '../worker.app';

/**
 * With IOT_BACKEND=aws the worker follows AWS IoT lifecycle events and `system` shadow
 * documents. Here a real MQTT broker (the machine's Mosquitto) stands in for the AWS IoT
 * endpoint, carrying AWS's own payloads.
 */
describe('worker: AWS IoT events (aws backend)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aws-events-'));
  writeFileSync(path.join(dir, 'AmazonRootCA1.pem'), 'unused with a plain test broker');
  const config = testConfig({
    DATABASE_URL: testDatabase('aws'),
    IOT_BACKEND: 'aws',
    AWS_IOT_ROOT_CA_FILE: path.join(dir, 'AmazonRootCA1.pem'),
    AWS_IOT_EVENTS_URL: process.env.MOSQUITTO_URL ?? 'mqtt://127.0.0.1:1883',
  });
  let worker: INestApplicationContext;
  beforeAll(async () => {
    worker = await createWorker(config);
  });
  afterAll(() => worker.close());

  it('completes provisioning on first connection, follows presence, and projects system documents', async () => {
    const prisma = worker.get(PrismaService);
    const api = { app: worker };
    const org = await newOrganization(api);
    const device = await seedDevice(api, org);
    const id = device.deviceId;
    const aws = await mqtt.connectAsync(config.AWS_IOT_EVENTS_URL!, { protocolVersion: 4 });
    await new Promise((r) => setTimeout(r, 500)); // the worker has subscribed
    const at = Date.now();
    await aws.publishAsync(`$aws/events/presence/connected/${id}`, JSON.stringify({ clientId: id, timestamp: at, eventType: 'connected', sessionIdentifier: 's-1', principalIdentifier: 'c', ipAddress: '192.0.2.1', versionNumber: 0 }), { qos: 1 });
    const online = await eventually(() => prisma.device.findUniqueOrThrow({ where: { deviceId: id } }), (d) => d.deviceConnectionStatus === 'ONLINE');
    expect(online).toMatchObject({ provisioningStatus: 'SUCCEEDED', deviceConnectionStatus: 'ONLINE' });

    const documents = { previous: null, current: { state: { reported: { currentSoftware: '4.3.55', serialNumber: 'AWS-1' } }, metadata: {}, version: 7 }, timestamp: 1 };
    await aws.publishAsync(`$aws/things/${id}/shadow/name/system/update/documents`, JSON.stringify(documents), { qos: 1 });
    const projected = await eventually(() => prisma.device.findUniqueOrThrow({ where: { deviceId: id } }), (d) => d.currentSoftware === '4.3.55');
    expect(projected).toMatchObject({ currentSoftware: '4.3.55', serialNumber: 'AWS-1', systemShadowVersion: 7 });

    // An applications report: queued for the deployment worker, once per shadow version.
    const apps = { previous: null, current: { state: { reported: { instances: {} } }, metadata: {}, version: 3 }, timestamp: 1 };
    for (let i = 0; i < 2; i++) await aws.publishAsync(`$aws/things/${id}/shadow/name/applications/update/documents`, JSON.stringify(apps), { qos: 1 });
    const queued = await eventually(() => prisma.outboxMessage.findMany({ where: { queue: 'applications', idempotencyKey: `apps-report-${id}-3` } }), (rows) => rows.length > 0);
    expect(queued.map((r) => r.payload)).toEqual([{ deviceId: id }]);

    await aws.publishAsync(`$aws/events/presence/disconnected/${id}`, JSON.stringify({ clientId: id, timestamp: at + 1000, eventType: 'disconnected', sessionIdentifier: 's-1', principalIdentifier: 'c', clientInitiatedDisconnect: false, disconnectReason: 'CONNECTION_LOST', versionNumber: 0 }), { qos: 1 });
    const offline = await eventually(() => prisma.device.findUniqueOrThrow({ where: { deviceId: id } }), (d) => d.deviceConnectionStatus === 'OFFLINE');
    expect(offline.deviceConnectionStatus).toBe('OFFLINE');
    await aws.endAsync();
  });

  it('skips malformed events without applying them, and goes on with the next', async () => {
    const prisma = worker.get(PrismaService);
    const api = { app: worker };
    const id = (await seedDevice(api, await newOrganization(api))).deviceId;
    const aws = await mqtt.connectAsync(config.AWS_IOT_EVENTS_URL!, { protocolVersion: 4 });
    await new Promise((r) => setTimeout(r, 500));
    const malformed: [string, string][] = [
      [`$aws/events/presence/connected/${id}`, '{not json'],
      [`$aws/events/presence/connected/${id}`, JSON.stringify({ clientId: id, timestamp: Date.now(), eventType: 'connected' })],
      [`$aws/things/${id}/shadow/name/system/update/documents`, JSON.stringify({ current: { state: { reported: { currentSoftware: '9.9.9' } }, version: 'seven' } })],
      [`$aws/events/jobExecution/${id}-0/succeeded`, JSON.stringify({ jobId: `${id}-0`, status: 'SUCCEEDED' })],
    ];
    for (const [topic, payload] of malformed) await aws.publishAsync(topic, payload, { qos: 1 });
    await aws.publishAsync(`$aws/events/presence/connected/${id}`, JSON.stringify({ clientId: id, timestamp: Date.now(), eventType: 'connected', sessionIdentifier: 's-1', principalIdentifier: 'c', versionNumber: 0 }), { qos: 1 });
    const online = await eventually(() => prisma.device.findUniqueOrThrow({ where: { deviceId: id } }), (d) => d.deviceConnectionStatus === 'ONLINE');
    expect(online).toMatchObject({ deviceConnectionStatus: 'ONLINE', connectionSession: 's-1', systemShadowVersion: 0 });
    expect(online.currentSoftware).not.toBe('9.9.9');
    await aws.endAsync();
  });

  it('dispatches device jobs as AWS IoT jobs and follows their execution events to completion', async () => {
    const iot = mockClient(IoTClient);
    iot.on(DescribeThingCommand).callsFake((input: { thingName: string }) => ({ thingArn: `arn:aws:iot:us-east-1:123456789012:thing/${input.thingName}` }));
    iot.on(CreateJobCommand).resolves({});
    iot.on(CancelJobCommand).resolves({});
    try {
      const prisma = worker.get(PrismaService);
      const api = { app: worker };
      const org = await newOrganization(api);
      const id = (await seedDevice(api, org)).deviceId;
      const aws = await mqtt.connectAsync(config.AWS_IOT_EVENTS_URL!, { protocolVersion: 4 });
      await new Promise((r) => setTimeout(r, 500));
      const presence = (type: 'connected' | 'disconnected', session: string, at: number) =>
        aws.publishAsync(`$aws/events/presence/${type}/${id}`, JSON.stringify({ clientId: id, timestamp: at, eventType: type, sessionIdentifier: session, principalIdentifier: 'c', versionNumber: 0 }), { qos: 1 });
      await presence('connected', 's-1', Date.now());
      await eventually(() => prisma.device.findUniqueOrThrow({ where: { deviceId: id } }), (d) => d.deviceConnectionStatus === 'ONLINE');

      const [job] = await worker.get(JobManagementService, { strict: false }).createJobForDevices(org.admin, [id], { jobType: 'REBOOT' });
      // Only this job's call: the database is a copy of the shared test database, which may hold other tests' queued jobs.
      const created = await eventually(async () => iot.commandCalls(CreateJobCommand).find((c) => c.args[0].input.jobId === job.jobId), (c) => c !== undefined);
      expect(created!.args[0].input).toEqual({ jobId: job.jobId, targets: [`arn:aws:iot:us-east-1:123456789012:thing/${id}`], document: '{"operation":"REBOOT"}', targetSelection: 'SNAPSHOT' });

      await aws.publishAsync(`$aws/events/jobExecution/${job.jobId}/succeeded`, JSON.stringify({ eventType: 'JOB_EXECUTION', eventId: 'e1', timestamp: 1, operation: 'succeeded', jobId: job.jobId, thingArn: `arn:aws:iot:us-east-1:123456789012:thing/${id}`, status: 'SUCCEEDED', statusDetails: { step: 'REBOOTING' } }), { qos: 1 });
      expect((await eventually(() => prisma.deviceJob.findUniqueOrThrow({ where: { jobId: job.jobId } }), (j) => j.status === 'REBOOTING')).executionStatus).toBe('SUCCEEDED');
      // The reboot: a new session.
      await presence('disconnected', 's-1', Date.now() + 1);
      await presence('connected', 's-2', Date.now() + 2);
      expect((await eventually(() => prisma.deviceJob.findUniqueOrThrow({ where: { jobId: job.jobId } }), (j) => j.status === 'COMPLETED')).status).toBe('COMPLETED');

      // A job canceled in EdgeFleet is canceled in AWS IoT too.
      const jobs = worker.get(JobManagementService, { strict: false });
      const [queued] = await jobs.createJobForDevices(org.admin, [id], { jobType: 'REBOOT' });
      await jobs.cancel(org.admin, queued.jobId);
      await eventually(async () => iot.commandCalls(CancelJobCommand).map((c) => c.args[0].input.jobId), (ids) => ids.includes(queued.jobId));
      expect(iot.commandCalls(CancelJobCommand).find((c) => c.args[0].input.jobId === queued.jobId)!.args[0].input).toMatchObject({ force: false, comment: 'Canceled by an operator' });
      await aws.endAsync();
    } finally {
      iot.restore();
    }
  });

  it("keeps ten instances of the guide's sample, and their reports at their longest, within AWS IoT's 8 KB shadow", async () => {
    // AWS IoT's shadow rules (the 8 KB state limit among them) are contracts' applyShadowUpdate, which the gateway serves too.
    // One shadow per thing: the worker may still be syncing other tests' devices meanwhile.
    const docs = new Map<string, ShadowDocument>();
    const update = (thingName: string, request: unknown) => docs.set(thingName, applyShadowUpdate(docs.get(thingName) ?? null, request, { maxBytes: 8192, timestamp: 1 }).next).get(thingName)!;
    const data = mockClient(IoTDataPlaneClient);
    data.on(GetThingShadowCommand).callsFake((input: { thingName: string }) => {
      const doc = docs.get(input.thingName);
      return { payload: new Uint8Array(Buffer.from(JSON.stringify(doc ? shadowView(doc) : {}))) };
    });
    data.on(UpdateThingShadowCommand).callsFake((input: { thingName: string; shadowName?: string; payload: Uint8Array }) => {
      expect(input.shadowName).toBe(APPLICATIONS_SHADOW);
      return { payload: new Uint8Array(Buffer.from(JSON.stringify(shadowView(update(input.thingName, JSON.parse(Buffer.from(input.payload).toString())))))) };
    });
    try {
      const prisma = worker.get(PrismaService);
      const api = { app: worker };
      const org = await newOrganization(api);
      const deviceId = (await seedDevice(api, org)).deviceId;
      const node = (name: string, category: ResolvedGraph['nodes'][number]['category'], iface: string) => ({ name, interface: iface, category, packageName: iface.split('.')[0], packageVersion: '1.0', patchVersion: null, launch: 'onAppStart' as const, value: null, replaces: null });
      // The guide's sample as it resolves: code, model, the camera chosen in the overrides, the HDMI output.
      const graph: ResolvedGraph = {
        packages: [{ name: `${org.organizationId}::SAMPLE_CODE`, version: '1.0', patchVersion: null }],
        nodes: [node('code_node', 'business_logic', 'x::SAMPLE_CODE.interface'), node('model_node', 'ml_model', 'x::SQUEEZENET_PYTORCH_V1.interface'), node('my_camera', 'media_source', 'x::exterior-south.exterior-south'), node('output_node', 'media_sink', 'panorama::hdmi_data_sink.hdmi0')],
        edges: [],
        networkRoutingRules: [],
        cameraStreams: 1,
      };
      const ids = Array.from({ length: 10 }, () => newApplicationInstanceId());
      for (const id of ids) {
        await prisma.applicationInstance.create({
          data: {
            applicationInstanceId: id, organizationId: org.organizationId, defaultRuntimeContextDevice: deviceId, manifestPayload: {}, status: 'DEPLOYMENT_REQUESTED', resolvedGraph: graph as object,
            nodeInstances: { create: graph.nodes.map((n) => ({ nodeInstanceId: n.name, nodeId: n.name, packageName: n.packageName!, packageVersion: '1.0', packagePatchVersion: '', nodeName: 'interface' })) },
          },
        });
      }
      await worker.get(DeploymentService).syncDevice(deviceId);
      expect(Object.keys(docs.get(deviceId)!.desired!.instances as object)).toEqual(expect.arrayContaining(ids));
      // Every instance reports at its longest: the longest statuses, and reasons as long as the agent sends them.
      const longest = { status: 'DEPLOYMENT_IN_PROGRESS', reason: 'r'.repeat(REPORTED_REASON_MAX), healthStatus: 'NOT_AVAILABLE', nodes: Object.fromEntries(graph.nodes.map((n) => [n.name, { currentStatus: 'NOT_AVAILABLE', reason: 'n'.repeat(REPORTED_NODE_REASON_MAX) }])) };
      expect(() => update(deviceId, { state: { reported: { instances: Object.fromEntries(ids.map((id) => [id, longest])) } } })).not.toThrow();
      const doc = docs.get(deviceId)!;
      expect(Buffer.byteLength(JSON.stringify({ desired: doc.desired, reported: doc.reported }))).toBeLessThanOrEqual(8192);
    } finally {
      data.restore();
    }
  });
});
