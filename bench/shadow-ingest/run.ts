/**
 * bench/shadow-ingest: D simulated devices (`--devices`, default 1,000) publish reported
 * `system` updates as fast as the gateway accepts them (a closed loop: one update in flight
 * per device), for 30 s (10 s with `--quick`). Measures updates persisted per second and
 * publish → accepted latency (accepted is sent after the transaction that updated the shadow
 * and the device row commits), and, in the same run, the gateway's raw pub/sub rate: the same
 * devices publish plain messages at QoS 1 and one subscriber on the gateways' routing layer
 * counts them. Lost: updates never answered, or answered but not in the database.
 */
import { parseArgs } from 'node:util';
import { CertificateAuthority } from '@edgefleet/pki';
import { ThingRoutedEmitter } from '@edgefleet/iot';
import { bench, connectAll, cpuMeter, makeDevices, newOrganization, percentile, round, sleep } from '../support';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '1000' } }, strict: false });
const DEVICES = Number(values.devices);

bench('shadow-ingest', async (ctx) => {
  const SECONDS = ctx.quick ? 10 : 30;
  const gateway = await ctx.start('apps/gateway/src/main.ts', {}, /gateway listening/);
  const ca = await CertificateAuthority.loadOrCreate(`${ctx.dataDir}/pki`);
  const org = await newOrganization(ctx.db, 'ingest');
  const creds = await makeDevices(ctx.db, ca, org, DEVICES, 'ingest');
  const clients = await connectAll(creds, ca.certificatePem, Number(ctx.env.GATEWAY_PORT));
  ctx.defer(() => Promise.all(clients.map((c) => c.endAsync(true))));

  // 1. Shadow ingest.
  const latencies: number[] = [];
  let stop = false;
  let rejected = 0;
  const sent = new Map<string, number>();
  await Promise.all(
    clients.map(async (client, i) => {
      const base = `$aws/things/${creds[i].id}/shadow/name/system/update`;
      await client.subscribeAsync([`${base}/accepted`, `${base}/rejected`], { qos: 0 });
      client.on('message', (topic, payload) => {
        const token = (JSON.parse(payload.toString()) as { clientToken?: string }).clientToken;
        const t0 = token ? sent.get(token) : undefined;
        if (t0 !== undefined) {
          if (topic.endsWith('/accepted')) latencies.push(performance.now() - t0);
          else rejected++;
          sent.delete(token!);
        }
        if (!stop) publish();
      });
      let n = 0;
      const publish = () => {
        const token = `${i}-${n++}`;
        sent.set(token, performance.now());
        client.publish(base, JSON.stringify({ state: { reported: { uptimeSeconds: n, currentSoftware: '4.3.45' } }, clientToken: token }), { qos: 0 });
      };
      publish();
    }),
  );
  const cpu = cpuMeter({ gateway });
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const cpuPercentOfOneCore = cpu.stop();
  stop = true;
  const ingestSeconds = (performance.now() - t0) / 1000;
  const updatesPerSecond = Math.round(latencies.length / ingestSeconds);
  await sleep(3000); // the last in-flight updates answer
  const accepted = latencies.length;
  // Every accepted update is in the database: the system shadows' versions add up to the accepted count.
  const { rows } = await ctx.db.query(`SELECT coalesce(sum(version), 0)::int AS n FROM "Shadow" s JOIN "Device" d USING ("deviceId") WHERE d."organizationId" = $1 AND s.name = 'system'`, [org]);
  const persisted: number = rows[0].n;

  // 2. Raw pub/sub through the same gateway and routing, with one counting subscriber.
  const counter = new ThingRoutedEmitter(ctx.env.GATEWAY_REDIS_URL, ctx.env.REDIS_PREFIX);
  let routed = 0;
  await new Promise<void>((subscribed) => counter.on('edgefleet/things/+/bench', (_m, done) => (routed++, done()), subscribed));
  let rawStop = false;
  const rawStart = performance.now();
  await Promise.all(
    clients
      .map(async (client, i) => {
        const topic = `edgefleet/things/${creds[i].id}/bench`;
        while (!rawStop) await client.publishAsync(topic, 'x', { qos: 1 });
      })
      .concat([sleep(ctx.quick ? 5000 : 10_000).then(() => void (rawStop = true))]),
  );
  const rawPerSecond = Math.round(routed / ((performance.now() - rawStart) / 1000));
  await new Promise<void>((closed) => counter.close(closed));

  latencies.sort((a, b) => a - b);
  const ratio = round(updatesPerSecond / rawPerSecond);
  const p99 = Math.round(percentile(latencies, 99));
  return {
    benchmark: 'shadow-ingest',
    devices: DEVICES,
    measured: { updatesPersistedPerSecond: updatesPerSecond, p50Ms: Math.round(percentile(latencies, 50)), p99Ms: p99 },
    baseline: { what: 'raw gateway pub/sub (QoS 1 publishes from the same devices, counted on the routing layer)', value: rawPerSecond, unit: 'msg/s' },
    ratio,
    target: { ratio: 0.5, p99Ms: 250 },
    met: ratio >= 0.5 && p99 <= 250,
    lost: sent.size + Math.max(0, accepted - persisted),
    cpuPercentOfOneCore,
    seconds: Math.round(ingestSeconds),
    accepted,
    rejected,
    persisted,
  };
});
