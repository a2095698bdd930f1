import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import type { Config } from '@edgefleet/config';
import mqemitter from 'mqemitter';
import { SpanKind, inSpan } from '@edgefleet/telemetry';

type Message = mqemitter.Message;
type Listener = (message: Message, done: () => void) => void;

/** Where the gateways' sessions and routing live: one Redis (its URL), or a Redis Cluster (its seed nodes). */
export type GatewayRedis = string | { host: string; port: number }[];
export const gatewayRedisOf = (config: Pick<Config, 'GATEWAY_REDIS_URL' | 'GATEWAY_REDIS_CLUSTER_NODES'>): GatewayRedis => config.GATEWAY_REDIS_CLUSTER_NODES ?? config.GATEWAY_REDIS_URL;

const THING = /^(\$aws|edgefleet)\/things\/([^/]+)(?:\/|$)/;
const WILDCARD = /^[+#]$/;

/**
 * The Redis channel a topic travels on: its thing's own channel for `$aws/things/<thing>/…` and
 * `edgefleet/things/<thing>/…`, else the channel of its first level (`$SYS`, `$aws`, …).
 */
export function channelOfTopic(prefix: string, topic: string): string {
  const thing = THING.exec(topic);
  return thing ? `${prefix}:mq:t:${thing[2]}` : `${prefix}:mq:l:${topic.split('/')[0]}`;
}

/**
 * The channel a subscription listens on: its thing's channel when the filter names one thing;
 * the first level's channel when the filter can match no thing topic; otherwise every channel
 * (a Redis pattern, `<prefix>:mq:*`): a filter with a wildcard where the thing goes.
 */
export function channelOfFilter(prefix: string, filter: string): { channel: string; pattern: boolean } {
  const thing = THING.exec(filter);
  if (thing && !WILDCARD.test(thing[2])) return { channel: `${prefix}:mq:t:${thing[2]}`, pattern: false };
  const [first, second, ...rest] = filter.split('/');
  const mayNameThing =
    WILDCARD.test(first) ||
    ((first === '$aws' || first === 'edgefleet') && second !== undefined && (WILDCARD.test(second) || (second === 'things' && rest.length > 0)));
  return mayNameThing ? { channel: `${prefix}:mq:*`, pattern: true } : { channel: `${prefix}:mq:l:${first}`, pattern: false };
}

/** MQTT 3.1.1 topic matching (§4.7): `+` is one level, `#` the rest, including the parent level. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/** `<header length: 4 bytes><header JSON><payload bytes>`: packets keep binary payloads without base64. */
function encode(id: string, message: Message): Buffer {
  const { payload, ...header } = message;
  const head = Buffer.from(JSON.stringify({ ...header, id }));
  const body = payload === undefined ? Buffer.alloc(0) : Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([length, head, body]);
}

function decode(raw: Buffer): { id: string; message: Message } {
  const headLength = raw.readUInt32BE(0);
  const { id, ...header } = JSON.parse(raw.subarray(4, 4 + headLength).toString()) as Message & { id: string };
  return { id, message: { ...header, payload: raw.subarray(4 + headLength) } };
}

/**
 * The gateways' shared MQTT routing over Redis, routed by thing: an aedes `mq` (the mqemitter
 * interface) that publishes each message on its thing's channel and subscribes, with a plain
 * SUBSCRIBE, to the channels of the things its clients listen to; wildcard matching happens
 * here, in memory (mqemitter's Qlobber). mqemitter-redis, which this replaces, made every MQTT
 * filter with a wildcard a Redis PSUBSCRIBE, and Redis matches every PUBLISH against every
 * pattern: with ten thousand devices subscribed to `…/jobs/+/update/accepted`, each message
 * scanned ten thousand patterns. No library routes by a level of the topic, hence this class.
 *
 * A message reaches a subscriber once even when two of its channels carry it (its thing's and
 * the all-things pattern): each message has an id, and ids seen in the last seconds are skipped.
 *
 * On a Redis Cluster, channels are sharded (SPUBLISH/SSUBSCRIBE): a thing's channel lives on the
 * shard of its slot, so each message goes to one shard, not to every node as a PUBLISH does, and
 * each gateway holds a connection per shard. Sharded pub/sub has no patterns: a filter that may
 * match any thing (which the topic policy grants no device or claim) is refused there.
 */
export class ThingRoutedEmitter {
  private readonly local = mqemitter({ matchEmptyLevels: true });
  private readonly pub: Redis | Cluster;
  /** Opened on the first subscription: the api and the worker only publish. */
  private subscriber?: Redis | Cluster;
  private readonly sharded: boolean;
  private readonly channels = new Map<string, number>();
  private readonly everyChannel: string;
  private seen = new Set<string>();
  private seenBefore = new Set<string>();
  private readonly rotate: NodeJS.Timeout;
  private closed = false;
  /** Message ids: this emitter's random prefix and a counter (a random id a message cost 5 % of the gateway's CPU). */
  private readonly idPrefix = randomBytes(6).toString('base64');
  private counter = 0;
  /** Connection errors (Redis restarting): the caller logs them; ioredis reconnects and resubscribes. */
  onError: (err: Error) => void = () => undefined;

  constructor(
    private readonly redis: GatewayRedis,
    private readonly prefix: string,
  ) {
    this.sharded = Array.isArray(redis);
    this.pub = Array.isArray(redis) ? new Cluster(redis, { enableAutoPipelining: true }) : new Redis(redis, { enableReadyCheck: false, enableAutoPipelining: true });
    this.pub.on('error', (err: Error) => this.onError(err));
    this.everyChannel = channelOfFilter(prefix, '#').channel;
    this.rotate = setInterval(() => {
      this.seenBefore = this.seen;
      this.seen = new Set();
    }, 5000).unref();
  }

  private get sub(): Redis | Cluster {
    if (!this.subscriber) {
      // No ready check: ioredis sends INFO on a subscriber connection that resubscribes, and fails.
      const sub = (this.subscriber = Array.isArray(this.redis) ? new Cluster(this.redis, { shardedSubscribers: true }) : new Redis(this.redis, { enableReadyCheck: false }));
      sub.on('error', (err: Error) => this.onError(err));
      sub.on('messageBuffer', (_channel: Buffer, raw: Buffer) => this.receive(raw));
      sub.on('smessageBuffer', (_channel: Buffer, raw: Buffer) => this.receive(raw));
      sub.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, raw: Buffer) => this.receive(raw));
    }
    return this.subscriber;
  }

  /** Subscribes to (`on`) or leaves a channel: sharded on a cluster, where a pattern cannot be. */
  private listen(channel: string, pattern: boolean, on: boolean): Promise<unknown> {
    if (!this.sharded && pattern) return on ? this.sub.psubscribe(channel) : this.sub.punsubscribe(channel);
    if (!this.sharded) return on ? this.sub.subscribe(channel) : this.sub.unsubscribe(channel);
    if (!pattern) return on ? this.sub.ssubscribe(channel) : this.sub.sunsubscribe(channel);
    return on ? Promise.reject(new Error(`${channel}: a filter that may match any thing cannot be routed on a Redis Cluster (sharded pub/sub has no patterns)`)) : Promise.resolve();
  }

  private receive(raw: Buffer): void {
    const { id, message } = decode(raw);
    if (this.seen.has(id) || this.seenBefore.has(id)) return;
    if (this.channels.has(this.everyChannel)) this.seen.add(id); // only a pattern can deliver twice
    const { traceparent } = message as Message & { traceparent?: string };
    if (!traceparent) return void this.local.emit(message);
    // A message from the api or a worker that was traced: its delivery is a span of that trace.
    void inSpan('mqtt deliver', { kind: SpanKind.PRODUCER, traceparent, attributes: { 'messaging.destination.name': message.topic } }, async () => void this.local.emit(message));
  }

  on(topic: string, listener: Listener, done?: () => void): this {
    this.local.on(topic, listener);
    const { channel, pattern } = channelOfFilter(this.prefix, topic);
    const count = this.channels.get(channel) ?? 0;
    this.channels.set(channel, count + 1);
    if (count > 0) {
      if (done) setImmediate(done);
      return this;
    }
    void this.listen(channel, pattern, true).then(
      () => done?.(),
      (err: Error) => (this.onError(err), done?.()),
    );
    return this;
  }

  removeListener(topic: string, listener: Listener, done?: () => void): void {
    this.local.removeListener(topic, listener);
    const { channel, pattern } = channelOfFilter(this.prefix, topic);
    const count = (this.channels.get(channel) ?? 1) - 1;
    if (count > 0) {
      this.channels.set(channel, count);
      if (done) setImmediate(done);
      return;
    }
    this.channels.delete(channel);
    void this.listen(channel, pattern, false).then(
      () => done?.(),
      (err: Error) => (this.onError(err), done?.()),
    );
  }

  emit(message: Message, done?: (err?: Error) => void): void {
    if (this.closed) return done?.(new Error('the routing emitter is closed'));
    const channel = channelOfTopic(this.prefix, message.topic);
    const body = encode(`${this.idPrefix}${(this.counter++).toString(36)}`, message);
    (this.sharded ? this.pub.spublish(channel, body) : this.pub.publish(channel, body)).then(
      () => done?.(),
      (err: Error) => done?.(err),
    );
  }

  close(done?: () => void): void {
    if (this.closed) return done?.();
    this.closed = true;
    clearInterval(this.rotate);
    void Promise.allSettled([this.subscriber?.quit(), this.pub.quit()]).then(() => this.local.close(() => done?.()));
  }
}
