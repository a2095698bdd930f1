import type { MqttClient } from 'mqtt';
import { type RedisCluster, type TestOrganization, newOrganization, startRedisCluster, uniqueName } from '@edgefleet/e2e-support';
import { MqttPublisher, ThingRoutedEmitter, channelOfTopic } from '@edgefleet/iot';
import { MqttGateway } from './mqtt-gateway';
import { type RunningGateway, connect, newBundle, provisionDevice, request, startGateway } from './test/gateway.harness';

/**
 * The gateways' sessions and routing on a 3-node Redis Cluster (GATEWAY_REDIS_CLUSTER_NODES),
 * with sharded pub/sub: two gateways and the api's publisher route a thing's messages through the
 * one shard that owns its channel; the other shards never see its subscription.
 */
describe('gateways on a Redis Cluster with sharded pub/sub', () => {
  let cluster: RedisCluster;
  const gateways: RunningGateway[] = [];
  let org: TestOrganization;
  const open: MqttClient[] = [];
  let n = 0;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    const shared = { GATEWAY_REDIS_CLUSTER_NODES: cluster.seeds, REDIS_PREFIX: uniqueName('cluster') };
    gateways.push(await startGateway(shared), await startGateway(shared));
    org = await newOrganization(gateways[0]);
  });
  afterAll(async () => {
    for (const c of open) c.end(true);
    await Promise.all(gateways.map((g) => g.app.close()));
    await cluster?.stop();
  });

  const port = (g: RunningGateway) => g.app.get(MqttGateway).port;
  /** A provisioned device connected, with its own certificate, to gateway `g`. */
  async function deviceOn(g: RunningGateway): Promise<{ thing: string; client: MqttClient }> {
    const b = await newBundle(g, org.admin, `cluster-device-${++n}`);
    const creds = await provisionDevice(port(g), b);
    const client = await connect(port(g), creds, { clientId: b.deviceId });
    open.push(client);
    return { thing: b.deviceId, client };
  }
  const nextMessage = (client: MqttClient, topic: string) => new Promise<string>((resolve) => client.on('message', (t, p) => t === topic && resolve(p.toString())));

  it('routes a thing’s messages between gateways through the shard of its channel only', async () => {
    const [a, b] = [await deviceOn(gateways[0]), await deviceOn(gateways[1])];
    const inbox = `edgefleet/things/${b.thing}/inbox`;
    await b.client.subscribeAsync(inbox, { qos: 1 });

    // From the other gateway's broker, and from the api's publisher (no broker), to the device on the second gateway.
    const first = nextMessage(b.client, inbox);
    const broker = (gateways[0].app.get(MqttGateway) as unknown as { broker: { publish: (p: object, cb: () => void) => void } }).broker;
    broker.publish({ cmd: 'publish', topic: inbox, payload: Buffer.from('from gateway 1'), qos: 1, retain: false, dup: false }, () => undefined);
    expect(await first).toBe('from gateway 1');
    const second = nextMessage(b.client, inbox);
    await gateways[0].app.get(MqttPublisher).publish(inbox, { from: 'the api' });
    expect(JSON.parse(await second)).toEqual({ from: 'the api' });

    // The device services work over it too: a shadow update on the first gateway is accepted.
    const shadow = await request(a.client, `$aws/things/${a.thing}/shadow/update`, JSON.stringify({ state: { reported: { cluster: true } } }));
    expect(shadow.outcome).toBe('accepted');

    // The thing's channel is subscribed on exactly one node: the one that owns its slot.
    const channel = channelOfTopic(gateways[1].config.REDIS_PREFIX, inbox);
    const slot = Number(await cluster.cli(cluster.nodes[0].port, 'cluster', 'keyslot', channel));
    const subscribers = await Promise.all(cluster.nodes.map(async (node) => Number((await cluster.cli(node.port, 'pubsub', 'shardnumsub', channel)).split('\n')[1])));
    expect(subscribers.filter((count) => count > 0)).toHaveLength(1);
    const owner = cluster.nodes[subscribers.findIndex((count) => count > 0)];
    // CLUSTER NODES: `<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <state> <slot ranges…>`.
    const ownerOfSlot = (await cluster.cli(owner.port, 'cluster', 'nodes'))
      .split('\n')
      .map((line) => line.split(' '))
      .find((f) => f.slice(8).some((range) => { const [lo, hi = lo] = range.split('-').map(Number); return slot >= lo && slot <= hi; }))?.[1];
    expect(ownerOfSlot).toMatch(new RegExp(`:${owner.port}@`));
    // Nothing went over classic pub/sub, which a cluster broadcasts to every node.
    for (const node of cluster.nodes) expect(await cluster.cli(node.port, 'pubsub', 'numsub', channel)).toBe(`${channel}\n0`);
  });

  it('refuses a filter that may match any thing (sharded pub/sub has no patterns)', async () => {
    const emitter = new ThingRoutedEmitter(cluster.nodes, uniqueName('cluster'));
    const errors: string[] = [];
    emitter.onError = (err) => errors.push(err.message);
    await new Promise<void>((resolve) => emitter.on('$aws/things/+/shadow/update', () => undefined, resolve));
    await new Promise<void>((resolve) => emitter.close(resolve));
    expect(errors).toEqual([expect.stringMatching(/cannot be routed on a Redis Cluster/)]);
  });
});
