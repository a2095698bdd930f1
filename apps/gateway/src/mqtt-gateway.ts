import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Aedes, type AedesPublishPacket, type Client, type PublishPacket } from 'aedes';
import persistenceRedis from 'aedes-persistence-redis';
import { randomUUID } from 'node:crypto';
import { type Server, type TLSSocket, createServer } from 'node:tls';
import { CONFIG, type Config } from '@edgefleet/config';
import { type DisconnectReason, presenceEvent, presenceTopic } from '@edgefleet/contracts';
import { DevicePresenceService } from '@edgefleet/devices';
import { type DisconnectOrder, ThingRoutedEmitter, gatewayRedisOf, topicMatches } from '@edgefleet/iot';
import { DeviceIdentityService } from './device-identity.service';
import { DeviceTopicRouter } from './device-topic.router';
import { GatewayMetrics } from './gateway.metrics';
import { guardPacketSize } from './packet-size.guard';
import { type Identity, isOwnTopic, isPrivateResponse, mayPublish, mayRetain, maySubscribe } from './topic.policy';

const ACTOR = 'system:gateway';

interface Session {
  identity: Identity;
  organizationId: string;
  id: string;
  connectedAt: Date;
  /** The connection's registry update; a disconnect waits for it, so the two never race. */
  recorded?: Promise<void>;
  reason?: DisconnectReason;
}

/**
 * The device gateway: an MQTT 3.1.1 broker (aedes) on TLS with client certificates
 * from the EdgeFleet CA, enforcing AWS IoT's policy model and serving the AWS IoT
 * device APIs behind reserved topics. Sessions and routing are shared through
 * Redis, so several gateways serve one fleet.
 */
@Injectable()
export class MqttGateway implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Gateway');
  private readonly sessions = new WeakMap<Client, Session>();
  private readonly byCertificate = new Map<string, Set<Client>>();
  /** Packets the gateway addressed to one client: the only way private responses are forwarded. */
  private readonly direct = new WeakSet<object>();
  private broker?: Aedes;
  private server?: Server;
  private persistence?: ReturnType<typeof persistenceRedis>;
  /** Live device sessions on this gateway, for heartbeats. */
  private readonly live = new Set<string>();
  private closing = false;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly identities: DeviceIdentityService,
    private readonly presence: DevicePresenceService,
    private readonly router: DeviceTopicRouter,
    private readonly metrics: GatewayMetrics,
  ) {}

  get port(): number {
    return (this.server?.address() as { port: number }).port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const target = gatewayRedisOf(this.config);
    const url = new URL(this.config.GATEWAY_REDIS_URL);
    this.persistence = persistenceRedis(
      Array.isArray(target) ? { cluster: target } : { host: url.hostname, port: Number(url.port || 6379), password: url.password || undefined, db: Number(url.pathname.slice(1) || 0) },
    );
    const mq = new ThingRoutedEmitter(target, this.config.REDIS_PREFIX);
    mq.onError = (err) => this.logger.error({ err: err.message }, 'gateway Redis routing error');
    this.broker = await Aedes.createBroker({
      id: `gateway-${randomUUID().slice(0, 8)}`,
      mq,
      persistence: this.persistence as never,
      maxClientsIdLength: 128,
      authenticate: (client, _u, _p, done) =>
        void this.authenticate(client).then(
          (returnCode) => done(returnCode === 0 ? null : Object.assign(new Error(returnCode === 5 ? 'not authorized' : 'server unavailable'), { returnCode }), returnCode === 0),
          // The identity could not be checked (the database restarting, say): 3, for now; never 5, which
          // tells a device it was deregistered (the agent then wipes its identity).
          (err: Error) => {
            this.logger.error({ clientId: client.id, err }, 'could not check the connecting client');
            done(Object.assign(new Error('server unavailable'), { returnCode: 3 }), false);
          },
        ),
      authorizePublish: (client, packet, done) => done(this.authorizePublish(client, packet)),
      authorizeSubscribe: (client, sub, done) => done(null, this.authorizeSubscribe(client, sub.topic) ? sub : null),
      authorizeForward: (client, packet) => this.authorizeForward(client, packet),
      published: (packet, client, done) => {
        if (client) this.onPublished(client, packet);
        done();
      },
    });
    this.metrics.countConnections({ devices: () => this.live.size, clients: () => this.broker?.connectedClients ?? 0 });
    this.broker.on('clientReady', (client) => void this.onReady(client));
    this.broker.on('clientDisconnect', (client) => void this.onDisconnect(client));
    this.broker.on('keepaliveTimeout', (client) => this.markReason(client, 'MQTT_KEEP_ALIVE_TIMEOUT'));
    this.broker.on('clientError', (client, err) => {
      this.markReason(client, /not authorized|denied/.test(err.message) ? 'AUTH_ERROR' : 'CONNECTION_LOST');
    });

    this.server = createServer({
      ...(await this.identities.serverTls()),
      requestCert: true,
      rejectUnauthorized: true, // no client certificate, another CA, or an expired one: refused at the handshake
      minVersion: 'TLSv1.2',
    });
    this.server.on('secureConnection', (socket) => void this.admit(socket));
    this.server.on('tlsClientError', (err, socket) => this.logger.warn({ err: err.message, ip: socket.remoteAddress }, 'TLS handshake refused'));
    // A deep accept queue (Node's default is 511): in a connection storm the kernel drops SYNs past it, and every
    // dropped one comes back seconds later (SYN retransmission), long after the gateway could have taken it.
    await new Promise<void>((resolve) => this.server!.listen({ port: this.config.GATEWAY_PORT, host: this.config.GATEWAY_HOST, backlog: this.config.GATEWAY_LISTEN_BACKLOG }, resolve));

    await this.identities.followRevocations((order) => this.onDisconnectOrder(order));
    this.presence.vouchFor(() => [...this.live]);
    this.logger.log(`MQTT gateway listening on mqtts://${this.config.GATEWAY_HOST}:${this.port}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.server?.close();
    await new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve()));
    await this.persistence?.destroy();
  }

  /**
   * Each TLS connection before aedes reads a byte of it: a revoked device certificate is closed
   * here rather than answered at CONNECT, and no packet may announce more than the limit.
   */
  private async admit(socket: TLSSocket): Promise<void> {
    const limit = this.config.MQTT_MAX_PACKET_BYTES;
    const peer = socket.getPeerCertificate();
    const log = { certificate: peer.fingerprint256, ip: socket.remoteAddress };
    // Until aedes listens, a reset by the peer must not be an uncaught error.
    const drop = () => socket.destroy();
    socket.on('error', drop);
    guardPacketSize(socket, limit, (bytes) => {
      const client = (socket as unknown as { client?: Client }).client;
      if (client) this.markReason(client, 'CLIENT_ERROR');
      this.logger.warn({ ...log, clientId: client?.id, bytes, limit }, 'packet over MQTT_MAX_PACKET_BYTES: connection closed');
    });
    const refused = await this.identities.refusedAtHandshake(peer.raw).catch((err: unknown) => {
      this.logger.error({ ...log, err }, 'could not check the certificate');
      return { reason: 'certificate check failed', permanent: false };
    });
    if (refused) {
      this.logger.warn({ ...log, reason: refused.reason }, 'connection refused after the TLS handshake');
      // A CONNACK of our own, never through aedes: 5 (not authorized) for good, so a deregistered device stops trying; 3 (server unavailable) for now.
      socket.end(Buffer.from([0x20, 0x02, 0x00, refused.permanent ? 0x05 : 0x03]));
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    socket.off('error', drop);
    if (!socket.destroyed) this.broker!.handle(socket as never);
  }

  /** The CONNACK return code: 0 accepted, 5 not authorized (for good: a deregistered device stops trying), 3 unavailable (for now). */
  private async authenticate(client: Client): Promise<0 | 3 | 5> {
    const socket = client.conn as unknown as TLSSocket;
    const peer = socket.getPeerCertificate?.();
    if (!peer?.raw) return 5;
    const result = await this.identities.identify(peer.raw, client.id);
    if ('refused' in result) {
      this.logger.warn({ clientId: client.id, certificate: peer.fingerprint256, reason: result.refused }, 'connection refused');
      this.metrics.connections.inc({ result: 'refused' });
      return result.forNow ? 3 : 5;
    }
    this.sessions.set(client, { identity: result.identity, organizationId: result.organizationId, id: randomUUID(), connectedAt: result.at });
    this.metrics.connections.inc({ result: result.identity.kind });
    return 0;
  }

  private authorizePublish(client: Client | null, packet: PublishPacket): Error | null {
    const session = client && this.sessions.get(client);
    if (session && mayPublish(session.identity, packet.topic)) {
      if (!packet.retain || mayRetain(session.identity, packet.topic, Buffer.byteLength(packet.payload), this.config.MQTT_MAX_RETAINED_BYTES)) return null;
    }
    this.logger.warn({ clientId: client?.id, certificateId: session?.identity.certificateId, topic: packet.topic, retain: packet.retain }, 'publish denied');
    return new Error('publish denied');
  }

  private authorizeSubscribe(client: Client, topic: string): boolean {
    const session = this.sessions.get(client);
    if (session && maySubscribe(session.identity, topic)) return true;
    this.logger.warn({ clientId: client.id, certificateId: session?.identity.certificateId, topic }, 'subscribe denied');
    return false;
  }

  /** Delivery, including queued and restored messages: only what the receiver may see. */
  private authorizeForward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    const session = this.sessions.get(client);
    if (!session) return null;
    if (isPrivateResponse(packet.topic)) return this.direct.has(packet) ? packet : null;
    return session.identity.kind === 'device' && maySubscribe(session.identity, packet.topic) ? packet : null;
  }

  /** Requests to the AWS IoT services behind reserved topics, handled once, on the gateway that received them. */
  private onPublished(client: Client, packet: AedesPublishPacket): void {
    const session = this.sessions.get(client);
    if (!session) return;
    void this.router.dispatch(session.identity, session.id, packet.topic, packet.payload as Buffer).then((answer) =>
      answer?.replies.forEach((r) => {
        if (answer.direct) this.reply(client, r.topic, r.body);
        else if (isOwnTopic(session.identity, r.topic)) this.replyIfSubscribed(client, r.topic, r.body);
        else this.publish(r.topic, r.body);
      }),
    );
  }

  /**
   * A reply on the asking device's own topics (shadow accepted, documents, delta). The policy lets
   * no one but the device itself subscribe to them, and its one session is this client, so the
   * reply goes to it, if it subscribed, without the round trip through the shared routing.
   */
  private replyIfSubscribed(client: Client, topic: string, body: object): void {
    const subscriptions = Object.keys((client as unknown as { subscriptions: Record<string, unknown> }).subscriptions);
    if (subscriptions.some((filter) => topicMatches(filter, topic))) this.reply(client, topic, body);
  }

  /** A server message to whoever subscribed (on any gateway). */
  publish(topic: string, body: object): void {
    this.broker!.publish({ cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(body)), qos: 0, retain: false, dup: false }, () => undefined);
  }

  /** Sends a response to this one client only, as AWS IoT does for its request/response APIs. */
  private reply(client: Client, topic: string, body: object): void {
    const packet = { cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(body)), qos: 0, retain: false, dup: false };
    this.direct.add(packet);
    (client as unknown as { deliver0: (p: object, cb: () => void) => void }).deliver0(packet, () => undefined);
  }

  private async onReady(client: Client): Promise<void> {
    const session = this.sessions.get(client);
    if (!session) return;
    const { certificateId } = session.identity;
    this.byCertificate.set(certificateId, (this.byCertificate.get(certificateId) ?? new Set()).add(client));
    if (session.identity.kind !== 'device') return;
    const socket = client.conn as unknown as TLSSocket;
    const keepAlive = (client as unknown as { keepalive: number }).keepalive ?? 0;
    this.live.add(session.id);
    session.recorded = this.persistently('record the connection', session, () => this.presence.connected(session.identity.thingName, session.id, keepAlive, session.connectedAt, ACTOR));
    await session.recorded;
    this.publishPresence('connected', client.id, session, { ipAddress: socket.remoteAddress });
  }

  private async onDisconnect(client: Client): Promise<void> {
    const session = this.sessions.get(client);
    if (!session) return;
    const clients = this.byCertificate.get(session.identity.certificateId);
    clients?.delete(client);
    if (clients?.size === 0) this.byCertificate.delete(session.identity.certificateId);
    if (session.identity.kind !== 'device') return;
    this.live.delete(session.id);
    await session.recorded;
    const clean = (client as unknown as { _disconnected?: boolean })._disconnected === true;
    const reason: DisconnectReason = session.reason ?? (clean ? 'CLIENT_INITIATED_DISCONNECT' : 'CONNECTION_LOST');
    await this.persistently('record the disconnection', session, () => this.presence.disconnected(session.identity.thingName, session.id, reason, ACTOR));
    this.publishPresence('disconnected', client.id, session, { clientInitiatedDisconnect: reason === 'CLIENT_INITIATED_DISCONNECT', disconnectReason: reason });
  }

  /**
   * A presence change, asked again with backoff when the database refuses it for now (a pool
   * exhausted by a fleet reconnecting at once): a lost connection record leaves the device
   * OFFLINE, and its rebooting job can never complete. Gives up after about half a minute, or
   * when the gateway shuts down (its database pool is closing).
   */
  private async persistently(what: string, session: Session, record: () => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await record();
        return;
      } catch (err) {
        if (attempt >= 6 || this.closing) return void this.logger.error({ err, deviceId: session.identity.thingName }, `could not ${what}`);
        this.logger.warn({ err: (err as Error).message, deviceId: session.identity.thingName, attempt }, `could not ${what} yet; asking again`);
        await new Promise((r) => setTimeout(r, Math.min(16_000, 500 * 2 ** attempt) * (0.5 + Math.random())).unref());
      }
    }
  }

  private publishPresence(eventType: 'connected' | 'disconnected', clientId: string, session: Session, extra: object): void {
    this.publish(presenceTopic(eventType, clientId), presenceEvent(eventType, clientId, session.id, session.identity.certificateId, extra));
  }

  private markReason(client: Client, reason: DisconnectReason): void {
    const session = client && this.sessions.get(client);
    if (session && !session.reason) session.reason = reason;
  }

  /** Revoked certificates and suspended organizations lose their live sessions at once, on every gateway. */
  private onDisconnectOrder(order: DisconnectOrder): void {
    const ordered = new Set(order.certificateIds);
    for (const [certificateId, clients] of this.byCertificate) {
      for (const client of clients) {
        if (!ordered.has(certificateId) && this.sessions.get(client)?.organizationId !== order.organizationId) continue;
        this.markReason(client, 'API_INITIATED_DISCONNECT');
        this.logger.log({ clientId: client.id, certificateId, reason: order.reason }, 'disconnecting');
        client.close();
      }
    }
  }
}
