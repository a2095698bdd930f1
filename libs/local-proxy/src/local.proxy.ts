import { EventEmitter } from 'node:events';
import net from 'node:net';
import WebSocket from 'ws';
import {
  MAX_TUNNEL_PAYLOAD,
  TUNNEL_PATH,
  TUNNEL_SUBPROTOCOLS,
  type TunnelMessage,
  TunnelFrameReader,
  TunnelMessageType as T,
  decodeTunnelMessage,
  encodeDataFrames,
  encodeTunnelFrame,
} from '@edgefleet/contracts';

export type ProxyMode = 'source' | 'destination';
export interface ServiceAddress {
  host: string;
  port: number;
}

export interface LocalProxyOptions {
  /** The tunneling endpoint: `ws://…` or `wss://…` (AWS's is wss://data.tunneling.iot.<region>.amazonaws.com). */
  endpoint: string;
  mode: ProxyMode;
  accessToken: string;
  /** With a client token the proxy rejoins after a drop (AWS's rule); without one the token joins once. */
  clientToken?: string;
  /** source: where each service listens here (port 0: any free one); destination: where each service is. */
  services: Record<string, ServiceAddress>;
  log?: (level: 'info' | 'warn', message: string, details?: Record<string, unknown>) => void;
  reconnectDelayMs?: number;
}

/** The endpoint refused the handshake (4xx: do not retry with the same token; 5xx: it may pass later). */
export class TunnelHandshakeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Stream {
  streamId: number;
  connections: Map<number, net.Socket>;
  nextConnectionId: number;
  /** Started by a V2 peer (STREAM_START without a connection id): one connection, no connection ids, its end a stream reset. */
  v2: boolean;
}

// Past this much unsent WebSocket data, local sockets stop being read until it drains.
const HIGH_WATER = 8 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;
const PING_MS = 20_000;
const HANDSHAKE_MS = 15_000;
/** Two full DATA frames and their headers stay within the largest WebSocket frame a V3 endpoint takes. */
const DATA_PER_MESSAGE = 2 * MAX_TUNNEL_PAYLOAD;

/**
 * AWS IoT secure tunneling's local proxy (aws-iot-securetunneling-localproxy's behaviour, protocol
 * V3 with V2 peers understood): in `source` mode it listens on local ports and carries each TCP
 * connection accepted there through the tunnel; in `destination` mode it connects each stream the
 * source starts to the service's local address. Events: `connected` (the endpoint's service ids),
 * `ended` (an Error when it ended by a refusal), `refused` (a service it does not have).
 */
export class LocalProxy extends EventEmitter {
  private ws: WebSocket | undefined;
  private v3 = true;
  private readonly streams = new Map<string, Stream>();
  private readonly servers = new Map<string, net.Server>();
  private nextStreamId = 1;
  private stopped = false;
  private paused = false;
  /** Local sockets that took more than they could write at once: the tunnel is not read until they drain. */
  private readonly draining = new Set<net.Socket>();
  private retry: NodeJS.Timeout | undefined;
  private ping: NodeJS.Timeout | undefined;

  /** The service a message without a service id is for (V1 peers name none): the only one, if there is one. */
  private readonly soleService: string;

  constructor(private readonly options: LocalProxyOptions) {
    super();
    const services = Object.keys(options.services);
    this.soleService = services.length === 1 ? services[0] : '';
  }

  /** Listens (source), joins the tunnel, and resolves once the endpoint has said which services the tunnel has. */
  async start(): Promise<void> {
    if (this.options.mode === 'source') await Promise.all(Object.entries(this.options.services).map(([service, at]) => this.listen(service, at)));
    try {
      await this.connect();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** The local ports a source listens on, by service. */
  ports(): Record<string, number> {
    return Object.fromEntries([...this.servers].map(([service, server]) => [service, (server.address() as net.AddressInfo).port]));
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.resetAll();
    this.ws?.close(1000);
    await Promise.all([...this.servers.values()].map((s) => new Promise((resolve) => s.close(resolve))));
    this.servers.clear();
  }

  private log(level: 'info' | 'warn', message: string, details?: Record<string, unknown>) {
    this.options.log?.(level, message, details);
  }

  private listen(service: string, at: ServiceAddress): Promise<void> {
    const server = net.createServer((socket) => this.accept(service, socket));
    this.servers.set(service, server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port, at.host, () => resolve());
    });
  }

  private connect(): Promise<void> {
    const url = new URL(this.options.endpoint);
    url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
    url.pathname = url.pathname.replace(/\/+$/, '') + TUNNEL_PATH;
    url.search = `?local-proxy-mode=${this.options.mode}`;
    const headers: Record<string, string> = { 'access-token': this.options.accessToken };
    if (this.options.clientToken) headers['client-token'] = this.options.clientToken;
    const ws = new WebSocket(url, [...TUNNEL_SUBPROTOCOLS], { headers, perMessageDeflate: false, maxPayload: 4 * 1024 * 1024, handshakeTimeout: HANDSHAKE_MS });
    this.ws = ws;
    const reader = new TunnelFrameReader();
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve();
      };
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => {
          const err = new TunnelHandshakeError(res.statusCode ?? 0, `The tunneling endpoint refused to join (HTTP ${res.statusCode}): ${body.trim().slice(0, 300) || res.statusMessage}`);
          if (this.ws === ws) this.ws = undefined;
          ws.terminate();
          this.dropped(err);
          settle(err);
        });
      });
      ws.on('open', () => {
        this.v3 = ws.protocol === TUNNEL_SUBPROTOCOLS[0];
        this.paused = false;
        this.draining.clear();
        // A connection that stops answering pings is half-open: it is dropped (and rejoined, with a client token).
        let alive = true;
        ws.on('pong', () => (alive = true));
        this.ping = setInterval(() => {
          if (!alive) return ws.terminate();
          alive = false;
          ws.ping();
        }, PING_MS);
      });
      ws.on('message', (data: Buffer) => {
        let frames: Buffer[];
        try {
          frames = reader.push(data).frames;
          for (const frame of frames) {
            const message = decodeTunnelMessage(frame);
            if (message.type === T.SERVICE_IDS) {
              this.emit('connected', message.availableServiceIds);
              settle(this.checkServices(message.availableServiceIds));
            } else this.receive(message);
          }
        } catch (err) {
          this.log('warn', 'tunnel: a frame that is not the protocol; leaving', { err: (err as Error).message });
          ws.close(1002);
        }
      });
      ws.on('error', (err) => {
        if (!settled && !(err.message.startsWith('Unexpected server response'))) {
          settle(err);
        }
      });
      ws.on('close', () => {
        clearInterval(this.ping);
        if (this.ws === ws) this.dropped();
        settle(new Error('The tunneling endpoint closed the connection before naming the services.'));
      });
    });
  }

  /** Whatever this proxy serves must be a service of the tunnel (AWS's local proxy refuses to start otherwise). */
  private checkServices(available: string[]): Error | undefined {
    const missing = Object.keys(this.options.services).filter((s) => !available.includes(s));
    if (this.options.mode === 'source' && missing.length) return new TunnelHandshakeError(400, `This tunnel has no service ${missing.join(', ')}; it has ${available.join(', ')}.`);
    return undefined;
  }

  /** The WebSocket is gone: every stream with it; rejoin if the token allows and the refusal was not final. */
  private dropped(err?: TunnelHandshakeError) {
    this.resetAll();
    if (this.stopped) return;
    const final = (err && err.status >= 400 && err.status < 500) || !this.options.clientToken;
    if (final) {
      this.stopped = true;
      void this.stop().then(() => this.emit('ended', err));
      return;
    }
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.connect().catch((e: Error) => this.log('warn', 'tunnel: rejoining failed', { err: e.message })), this.options.reconnectDelayMs ?? 2500);
  }

  /** A message; for a V2 peer's stream, without connection ids, and a connection's end is the stream's. */
  private send(message: TunnelMessage, stream?: Stream) {
    if (!this.v3 || stream?.v2) {
      delete message.connectionId;
      if (message.type === T.CONNECTION_RESET) message.type = T.STREAM_RESET;
    }
    this.sendFrames(encodeTunnelFrame(message));
  }

  /** One WebSocket message of one or more tunnel frames (the protocol lets a message hold several). */
  private sendFrames(frames: Buffer) {
    const ws = this.ws;
    if (ws?.readyState !== WebSocket.OPEN) return;
    ws.send(frames, () => {
      if (this.paused && ws.bufferedAmount < LOW_WATER) this.pauseReads(false);
    });
    if (!this.paused && ws.bufferedAmount > HIGH_WATER) this.pauseReads(true);
  }

  private pauseReads(pause: boolean) {
    this.paused = pause;
    for (const stream of this.streams.values()) {
      for (const socket of stream.connections.values()) {
        if (pause) socket.pause();
        else socket.resume();
      }
    }
  }

  /** Source: a TCP connection accepted for `service` becomes a stream start (the first) or a connection start (V3). */
  private accept(service: string, socket: net.Socket) {
    if (!this.connected) return socket.destroy();
    let stream = this.streams.get(service);
    if (stream && !this.v3) this.resetStream(service);
    stream = this.v3 ? this.streams.get(service) : undefined;
    if (!stream) {
      stream = { streamId: this.nextStreamId++, connections: new Map(), nextConnectionId: 1, v2: !this.v3 };
      this.streams.set(service, stream);
      this.attach(service, stream, 1, socket);
      this.send({ type: T.STREAM_START, streamId: stream.streamId, serviceId: service, connectionId: 1 });
    } else {
      const connectionId = ++stream.nextConnectionId;
      this.attach(service, stream, connectionId, socket);
      this.send({ type: T.CONNECTION_START, streamId: stream.streamId, serviceId: service, connectionId });
    }
  }

  /** A local socket joined to a stream: its bytes become DATA; its end, a connection reset. */
  private attach(service: string, stream: Stream, connectionId: number, socket: net.Socket) {
    stream.connections.set(connectionId, socket);
    socket.setNoDelay(true);
    if (this.paused) socket.pause();
    const serviceId = Buffer.from(service);
    // A read (64 KiB at most) in one WebSocket message: its DATA frames (63 KiB of payload each) encoded with one copy.
    socket.on('data', (chunk: Buffer) => {
      for (let at = 0; at < chunk.length; at += DATA_PER_MESSAGE) {
        this.sendFrames(encodeDataFrames(stream.streamId, serviceId, this.v3 && !stream.v2 ? connectionId : 0, chunk.subarray(at, at + DATA_PER_MESSAGE)));
      }
    });
    socket.on('drain', () => this.drained(socket));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.drained(socket);
      if (stream.connections.get(connectionId) !== socket) return;
      stream.connections.delete(connectionId);
      this.send({ type: T.CONNECTION_RESET, streamId: stream.streamId, serviceId: service, connectionId }, stream);
      // A V2 stream is its one connection.
      if (stream.v2 && this.streams.get(service) === stream) this.streams.delete(service);
    });
  }

  private receive(m: ReturnType<typeof decodeTunnelMessage>) {
    if (m.type !== T.SESSION_RESET && m.streamId <= 0) return;
    const service = m.serviceId || this.soleService;
    const connectionId = m.connectionId || 1;
    const stream = this.streams.get(service);
    const current = stream?.streamId === m.streamId ? stream : undefined;
    switch (m.type) {
      case T.STREAM_START:
        if (this.options.mode !== 'destination') return;
        return this.startStream(service, m.streamId, connectionId, m.connectionId === 0);
      case T.CONNECTION_START:
        if (this.options.mode !== 'destination') return;
        // A stream this proxy lost (it rejoined after a drop; the source's side never heard): the connection starts it again.
        if (!current) return this.startStream(service, m.streamId, connectionId, false);
        return this.open(service, current, connectionId);
      case T.DATA: {
        const socket = current?.connections.get(connectionId);
        if (socket && !socket.write(m.payload)) {
          this.draining.add(socket);
          this.ws?.pause();
        }
        return;
      }
      case T.CONNECTION_RESET: {
        const socket = current?.connections.get(connectionId);
        if (socket) {
          current!.connections.delete(connectionId);
          socket.end();
        }
        return;
      }
      case T.STREAM_RESET:
        if (current) this.resetStream(service);
        return;
      case T.SESSION_RESET:
        return this.resetAll();
      default:
        if (!m.ignorable) this.log('warn', 'tunnel: a message type this proxy does not know', { type: m.type });
    }
  }

  /** Destination: a new stream replaces the service's current one; a service it does not have is refused. */
  private startStream(service: string, streamId: number, connectionId: number, v2: boolean) {
    const target = Object.hasOwn(this.options.services, service) ? this.options.services[service] : undefined;
    if (!target) {
      this.emit('refused', service);
      this.log('warn', 'tunnel: refused a stream to a service this device does not allow', { service });
      return this.send({ type: T.STREAM_RESET, streamId, serviceId: service });
    }
    this.resetStream(service);
    const stream: Stream = { streamId, connections: new Map(), nextConnectionId: connectionId, v2 };
    this.streams.set(service, stream);
    this.open(service, stream, connectionId);
  }

  private open(service: string, stream: Stream, connectionId: number) {
    if (stream.connections.has(connectionId)) return this.send({ type: T.CONNECTION_RESET, streamId: stream.streamId, serviceId: service, connectionId }, stream);
    const { host, port } = this.options.services[service];
    const socket = net.connect(port, host);
    socket.once('error', (err) => this.log('warn', 'tunnel: the local service refused a connection', { service, err: err.message }));
    this.attach(service, stream, connectionId, socket);
  }

  private resetStream(service: string) {
    const stream = this.streams.get(service);
    if (!stream) return;
    this.streams.delete(service);
    for (const socket of stream.connections.values()) socket.destroy();
    stream.connections.clear();
  }

  private resetAll() {
    for (const service of [...this.streams.keys()]) this.resetStream(service);
  }

  private drained(socket: net.Socket) {
    if (this.draining.delete(socket) && this.draining.size === 0) this.ws?.resume();
  }
}
