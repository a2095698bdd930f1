import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { PrismaService } from '@edgefleet/db';
import { newOrganization } from '@edgefleet/e2e-support';
import { MqttGateway } from './mqtt-gateway';
import { connect, newBundle, provisionDevice, type RunningGateway, startGateway } from './test/gateway.harness';

/** Cases per topic family: about 2,000 in all under `npm test`; `npm run fuzz` sets FUZZ_RUNS higher. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 240);

/** A topic level MQTT accepts (no separators or wildcards), of any content otherwise. */
const level = fc.oneof(fc.string({ minLength: 1, maxLength: 80 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.constantFrom('system', 'applications', 'x'.repeat(200), 'a:b_c-d', '$next')).filter((s) => !/[/+#\u0000]/.test(s));
const deep = fc.integer({ min: 1, max: 30_000 }).map((n) => '{"state":{"reported":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}}');
const statuses = fc.constantFrom('QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED', 'REMOVED', 'bogus');
/** Bodies shaped like the requests, broken in every field, and plain garbage. */
const payload = fc.oneof(
  fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
  fc.record({ state: fc.oneof(fc.jsonValue({ maxDepth: 7 }), fc.record({ reported: fc.jsonValue({ maxDepth: 6 }), desired: fc.jsonValue({ maxDepth: 6 }) }, { requiredKeys: [] })), version: fc.jsonValue({ maxDepth: 1 }), clientToken: fc.jsonValue({ maxDepth: 1 }), thingName: fc.string() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.record({ status: statuses, statusDetails: fc.jsonValue({ maxDepth: 2 }), expectedVersion: fc.jsonValue({ maxDepth: 1 }), executionNumber: fc.jsonValue({ maxDepth: 1 }), stepTimeoutInMinutes: fc.jsonValue({ maxDepth: 1 }), jobId: fc.string() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 2000 }),
  deep,
);

/**
 * Every device topic the gateway serves, with generated payloads: the answer is always an
 * `/accepted` or a 4xx `/rejected` (never a 500 or InternalError), the gateway keeps serving,
 * and a rejected shadow update stores nothing.
 */
jest.setTimeout(1_800_000);

describe('device topics under generated input', () => {
  let gw: RunningGateway;
  let prisma: PrismaService;
  let client: MqttClient;
  let thing: string;
  let cases = 0;
  const replies = new Map<string, (r: { outcome: 'accepted' | 'rejected'; body: any }) => void>();
  /** Publishes a request and waits for its `/accepted` or `/rejected`. */
  const request = (_client: MqttClient, topic: string, body: string | Buffer) =>
    new Promise<{ outcome: 'accepted' | 'rejected'; body: any }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply on ${topic}`)), 10_000);
      replies.set(topic, (r) => (clearTimeout(timer), resolve(r)));
      client.publish(topic, body, { qos: 1 });
    });

  beforeAll(async () => {
    gw = await startGateway({ DEVICE_REQUESTS_PER_SECOND: '100000' });
    prisma = gw.app.get(PrismaService);
    const org = await newOrganization(gw);
    const port = gw.app.get(MqttGateway).port;
    const bundle = await newBundle(gw, org.admin, 'fuzz-device');
    thing = bundle.deviceId;
    client = await connect(port, await provisionDevice(port, bundle), { clientId: thing });
    // One subscription for every reply (not one per generated topic).
    await client.subscribeAsync([`$aws/things/${thing}/shadow/#`, `$aws/things/${thing}/jobs/#`, `edgefleet/things/${thing}/logs/+`], { qos: 1 });
    client.on('message', (t, p) => {
      // `s`: a generated shadow name may hold a line separator (U+2028, U+2029), which `.` does not match otherwise.
      const m = /^(.*)\/(accepted|rejected)$/s.exec(t);
      const waiting = m && replies.get(m[1]);
      if (!waiting) return;
      replies.delete(m[1]);
      waiting({ outcome: m[2] as 'accepted' | 'rejected', body: JSON.parse(p.toString()) });
    });
  });
  afterAll(async () => {
    process.stdout.write(`device topic fuzzing: ${cases} cases\n`);
    client?.end(true);
    await gw.app.close();
  });

  const serverError = (topic: string, body: { code?: unknown }) => (topic.includes('/jobs/') ? body.code === 'InternalError' : body.code === 500);
  const shadowRow = (name: string) => prisma.shadow.findUnique({ where: { deviceId_name: { deviceId: thing, name } }, select: { version: true, reported: true, desired: true } });

  it('shadow topics', async () => {
    const topic = fc.tuple(fc.option(level, { nil: null }), fc.constantFrom('update', 'get', 'delete'));
    await fc.assert(
      fc.asyncProperty(topic, payload, async ([name, op], body) => {
        cases++;
        const t = `$aws/things/${thing}/shadow${name === null ? '' : `/name/${name}`}/${op}`;
        const before = op === 'get' ? null : await shadowRow(name ?? '');
        const reply = await request(client, t, body);
        expect(serverError(t, reply.body)).toBe(false);
        if (reply.outcome === 'rejected' && op !== 'get') expect(await shadowRow(name ?? '')).toEqual(before);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('jobs topics', async () => {
    const topic = fc.oneof(fc.constantFrom('get', 'start-next'), level.map((id) => `${id}/get`), level.map((id) => `${id}/update`));
    await fc.assert(
      fc.asyncProperty(topic, payload, async (suffix, body) => {
        cases++;
        const t = `$aws/things/${thing}/jobs/${suffix}`;
        const reply = await request(client, t, body);
        expect(serverError(t, reply.body)).toBe(false);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('logs topic: lines of any text are kept, timestamps a date cannot hold are refused', async () => {
    const t = `edgefleet/things/${thing}/logs`;
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 50 }), fc.constantFrom('\u0000', 'a\u0000b', '\ud800'));
    const timestamp = fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(8_640_000_000_000_000, 8_640_000_000_000_001, Number.MAX_SAFE_INTEGER, -1));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ timestamp, message: text }), { minLength: 1, maxLength: 20 }), async (events) => {
        cases++;
        const before = await prisma.logEvent.count({ where: { deviceId: thing } });
        const reply = await request(client, t, JSON.stringify({ logStream: 'syslog', events }));
        const storable = events.every((e) => e.timestamp >= 0 && e.timestamp <= 8_640_000_000_000_000);
        expect([reply.outcome, reply.body.code ?? 200]).toEqual(storable ? ['accepted', 200] : ['rejected', 400]);
        // The whole batch or nothing: a NUL in one line no longer loses the others.
        expect(await prisma.logEvent.count({ where: { deviceId: thing } })).toBe(before + (storable ? events.length : 0));
      }),
      // The probe's two findings, every run: a NUL in a line, a timestamp past JavaScript's dates.
      { numRuns: RUNS / 2, examples: [[[{ timestamp: 1_700_000_000_000, message: 'a\u0000b' }, { timestamp: 1_700_000_000_001, message: 'after' }]], [[{ timestamp: 8_640_000_000_000_001, message: 'late' }]]] },
    );
    const kept = await prisma.logEvent.findFirst({ where: { deviceId: thing, message: { contains: '\uFFFD' } } });
    expect(kept).not.toBeNull();
  });

  it('still serves a well-formed request afterwards', async () => {
    const reply = await request(client, `$aws/things/${thing}/shadow/name/system/update`, JSON.stringify({ state: { reported: { currentSoftware: '4.3.45' } } }));
    expect(reply.outcome).toBe('accepted');
  });
});
