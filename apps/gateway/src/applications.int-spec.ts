import type { MqttClient } from 'mqtt';
import { PrismaService } from '@edgefleet/db';
import { newApplicationInstanceId, newNodeFromTemplateJobId } from '@edgefleet/domain';
import { SecretStore } from '@edgefleet/secrets';
import { cameraSecretName } from '@edgefleet/streams';
import { type TestOrganization, eventually, newOrganization } from '@edgefleet/e2e-support';
import { MqttGateway } from './mqtt-gateway';
import { type RunningGateway, connect, newBundle, provisionDevice, request, startGateway } from './test/gateway.harness';

/**
 * The device topics of applications, over real mTLS: a camera's credentials go to the device
 * that runs an application using it, and to nobody else; log batches are stored only for the
 * device's own instances; applications reports queue the worker's projection.
 */
describe('gateway: application topics', () => {
  let gw: RunningGateway;
  let port: number;
  let prisma: PrismaService;
  let org: TestOrganization;
  const open: MqttClient[] = [];
  let n = 0;

  beforeAll(async () => {
    gw = await startGateway();
    port = gw.app.get(MqttGateway).port;
    prisma = gw.app.get(PrismaService);
    org = await newOrganization(gw);
  });
  afterAll(async () => {
    open.forEach((c) => c.end(true));
    await gw.app.close();
  });

  async function newDevice() {
    const b = await newBundle(gw, org.admin, `apps-${++n}`);
    const client = await connect(port, await provisionDevice(port, b), { clientId: b.deviceId });
    open.push(client);
    return { id: b.deviceId, client };
  }

  it('answers camera credentials only to a device running an application with that camera, and takes log batches of its own instances', async () => {
    // A camera as createNodeFromTemplateJob leaves it (the api's and worker's part is tested there).
    const jobId = newNodeFromTemplateJobId();
    await gw.app.get(SecretStore).put(org.organizationId, cameraSecretName(jobId), { Username: 'gate-user', Password: 'gate-pass' });
    await prisma.cameraStream.create({ data: { jobId, organizationId: org.organizationId, nodeName: 'gate', outputPackageName: 'gate', outputPackageVersion: '1.0', streamUrl: 'rtsp://10.1.2.3/live', secretId: cameraSecretName(jobId), status: 'SUCCEEDED' } });
    const [runner, other] = [await newDevice(), await newDevice()];
    const account = (await prisma.organization.findUniqueOrThrow({ where: { id: org.organizationId } })).accountId;
    const applicationInstanceId = newApplicationInstanceId();
    await prisma.applicationInstance.create({
      data: {
        applicationInstanceId,
        organizationId: org.organizationId,
        defaultRuntimeContextDevice: runner.id,
        manifestPayload: {},
        status: 'DEPLOYMENT_REQUESTED',
        resolvedGraph: { packages: [], edges: [], networkRoutingRules: [], cameraStreams: 1, nodes: [{ name: 'cam', interface: `${account}::gate.gate`, category: 'media_source', packageName: `${account}::gate`, packageVersion: '1.0', patchVersion: 'x', launch: 'onAppStart', value: null, replaces: 'camera_node' }] },
      },
    });
    const ask = (d: { id: string; client: MqttClient }, camera: string) => request(d.client, `edgefleet/things/${d.id}/cameras/credentials/get`, JSON.stringify({ camera, clientToken: 'c1' }));

    expect(await ask(runner, 'gate')).toEqual({ outcome: 'accepted', body: { camera: 'gate', username: 'gate-user', password: 'gate-pass', clientToken: 'c1' } });
    const refused = await ask(other, 'gate');
    expect(refused).toEqual({ outcome: 'rejected', body: { code: 404, message: `No application deployed to ${other.id} uses camera gate.`, timestamp: expect.any(Number), clientToken: 'c1' } });
    expect(await ask(runner, 'nope')).toMatchObject({ outcome: 'rejected', body: { code: 404 } });
    expect(await ask(runner, '')).toMatchObject({ outcome: 'rejected', body: { code: 400 } });
    const logs = (d: { id: string; client: MqttClient }, body: object) => request(d.client, `edgefleet/things/${d.id}/logs`, JSON.stringify(body));
    expect(await logs(runner, { applicationInstanceId, logStream: 'cam', events: [{ timestamp: Date.now(), message: 'opened' }] })).toMatchObject({ outcome: 'accepted', body: { accepted: 1 } });
    expect(await logs(other, { applicationInstanceId, logStream: 'cam', events: [{ timestamp: Date.now(), message: 'forged' }] })).toMatchObject({ outcome: 'rejected', body: { code: 404 } });
    expect(await logs(runner, { logStream: 'bad stream!', events: [] })).toMatchObject({ outcome: 'rejected', body: { code: 400 } });
    expect(await logs(runner, { logStream: 'syslog', events: [{ timestamp: Date.now(), message: 'boot' }] })).toMatchObject({ outcome: 'accepted' });
    expect((await prisma.logEvent.findMany({ where: { deviceId: { in: [runner.id, other.id] } }, orderBy: { id: 'asc' } })).map((l) => [l.logGroup, l.logStream, l.message])).toEqual([
      [`/aws/panorama/devices/${runner.id}/applications/${applicationInstanceId}`, 'cam', 'opened'],
      [`/aws/panorama/devices/${runner.id}`, 'syslog', 'boot'],
    ]);

    // Another thing's topics are not the device's: it cannot subscribe to the answers, and its request there is dropped.
    await expect(other.client.subscribeAsync(`edgefleet/things/${runner.id}/cameras/credentials/+`)).rejects.toThrow(/Subscribe error/);
    const heard: string[] = [];
    await runner.client.subscribeAsync(`edgefleet/things/${runner.id}/cameras/credentials/+`);
    runner.client.on('message', (t) => t.includes('/cameras/credentials/') && heard.push(t));
    other.client.publish(`edgefleet/things/${runner.id}/cameras/credentials/get`, JSON.stringify({ camera: 'gate', clientToken: 'stolen' }));
    await new Promise((r) => setTimeout(r, 1500));
    expect(heard).toEqual([]);

    // An applications report queues the worker's projection, in the shadow update's transaction.
    const report = await request(runner.client, `$aws/things/${runner.id}/shadow/name/applications/update`, JSON.stringify({ state: { reported: { instances: { [applicationInstanceId]: { status: 'DEPLOYMENT_IN_PROGRESS' } } } } }));
    expect(report.outcome).toBe('accepted');
    const queued = await eventually(() => prisma.outboxMessage.findMany({ where: { queue: 'applications', jobName: 'project-report', idempotencyKey: { startsWith: `apps-report-${runner.id}-` } } }), (r) => r.length === 1);
    expect(queued.map((r) => r.payload)).toEqual([{ deviceId: runner.id }]);
  });
});
