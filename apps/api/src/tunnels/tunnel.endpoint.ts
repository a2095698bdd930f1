import websocket from '@fastify/websocket';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import {
  MAX_TUNNEL_PAYLOAD,
  MAX_TUNNEL_WEBSOCKET_FRAME,
  TUNNEL_PATH,
  TUNNEL_SUBPROTOCOLS,
  TunnelFrameReader,
  TunnelMessageType as T,
  decodeTunnelMessage,
  encodeTunnelFrame,
} from '@edgefleet/contracts';
import type { Config } from '@edgefleet/config';
import { CLIENT_TOKEN, DomainError, TUNNEL_SIDES, type TunnelSide } from '@edgefleet/domain';
import { type AdmittedPeer, TunnelService } from '@edgefleet/tunnels';

interface Side {
  peer: AdmittedPeer;
  socket: WebSocket;
  reader: TunnelFrameReader;
  /** Answered the last ping (heartbeat). */
  alive: boolean;
}
interface Live {
  source?: Side;
  destination?: Side;
  expiry: NodeJS.Timeout;
}

const other = (side: TunnelSide): TunnelSide => (side === 'source' ? 'destination' : 'source');
const STREAM_TYPES = new Set([T.DATA, T.STREAM_START, T.STREAM_RESET, T.CONNECTION_START, T.CONNECTION_RESET]);
const HIGH_WATER = 8 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;
/** How often live sides are checked against the database (closed, rotated, suspended, deleted elsewhere), and pinged. */
const SWEEP_MS = 5_000;
const HEARTBEAT_MS = 30_000;
/** WebSocket close codes: normal (the tunnel closed or the peer was replaced), unsupported data, protocol violations, too big. */
const CLOSED = 1000;
const UNSUPPORTED_DATA = 1003;
const VIOLATION = 1008;
const TOO_BIG = 1009;

/** Closes with a reason, cut to the 123 bytes a close frame holds (ws throws on more). */
function closeWith(socket: WebSocket, code: number, reason: string): void {
  let text = reason;
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1);
  socket.close(code, text);
}

/**
 * Pairs the two local proxies of each open tunnel in this process and relays their frames
 * unchanged, after checking each against the protocol's rules (the service's own checks): a
 * violation closes the sender's connection. A side that leaves resets the other's streams. A side
 * whose tunnel closed, whose token was rotated or whose organization was suspended — here or on
 * another api process — is cut at once here, within SWEEP_MS elsewhere; one that stops answering
 * pings, within two heartbeats.
 */
@Injectable()
export class TunnelRelay implements OnModuleDestroy {
  private readonly live = new Map<string, Live>();
  /** Connection states still being written, awaited on shutdown. */
  private readonly writing = new Set<Promise<void>>();
  private readonly sweeper = setInterval(() => void this.sweep(), SWEEP_MS).unref();
  private readonly heartbeat = setInterval(() => this.ping(), HEARTBEAT_MS).unref();

  constructor(private readonly tunnels: TunnelService) {
    tunnels.onCut((id, sides) => sides.forEach((side) => this.cut(id, side, sides.length === 2 ? 'tunnel closed' : 'access token rotated')));
  }

  /** Before the database goes (the app module's providers are destroyed first). */
  onModuleDestroy(): Promise<void> {
    return this.endAll();
  }

  join(peer: AdmittedPeer, socket: WebSocket): void {
    let tunnel = this.live.get(peer.tunnelId);
    if (!tunnel) {
      const expiry = setTimeout(() => TUNNEL_SIDES.forEach((s) => this.cut(peer.tunnelId, s, 'tunnel expired')), Math.max(0, peer.expiresAt.getTime() - Date.now()));
      tunnel = { expiry };
      this.live.set(peer.tunnelId, tunnel);
    }
    // A proxy that rejoins replaces the one before it (AWS: the peer is replaced by a new one bearing a valid token).
    if (tunnel[peer.side]) this.detach(peer.tunnelId, peer.side, 'replaced by a new connection', false);
    const side: Side = { peer, socket, reader: new TunnelFrameReader(), alive: true };
    tunnel[peer.side] = side;
    socket.send(encodeTunnelFrame({ type: T.SERVICE_IDS, availableServiceIds: peer.services }));
    const t = tunnel;
    socket.on('message', (data: Buffer, isBinary: boolean) => this.relay(t, side, data, isBinary));
    socket.on('pong', () => (side.alive = true));
    socket.on('close', () => t[peer.side] === side && this.detach(peer.tunnelId, peer.side));
    // A close or a rotation may have come between this peer's admission and now.
    void this.tunnels.stillAdmitted([peer]).then(
      (ok) => ok.has(peer.tokenHash) || this.cut(peer.tunnelId, peer.side, 'tunnel closed'),
      () => undefined,
    );
  }

  /** A side's connection goes (its tunnel closed or expired, its token rotated): the other side's streams are reset. */
  cut(tunnelId: string, side: TunnelSide, reason: string): void {
    if (this.live.get(tunnelId)?.[side]) this.detach(tunnelId, side, reason);
  }

  /** Shutdown: every tunnel's sides are cut and their connection states written before it returns. */
  async endAll(): Promise<void> {
    clearInterval(this.sweeper);
    clearInterval(this.heartbeat);
    for (const id of [...this.live.keys()]) TUNNEL_SIDES.forEach((side) => this.cut(id, side, 'tunnel endpoint shutting down'));
    await Promise.all(this.writing);
  }

  /**
   * Takes a side out: nothing it still sends is relayed, the other side (if any) hears
   * SESSION_RESET and is read again, its connection state is written, and with a `reason` its
   * socket is closed. `written` false: a replacement, whose new connection is the side's state.
   */
  private detach(tunnelId: string, key: TunnelSide, reason?: string, written = true): void {
    const tunnel = this.live.get(tunnelId);
    const side = tunnel?.[key];
    if (!tunnel || !side) return;
    delete tunnel[key];
    const peerSide = tunnel[other(key)];
    if (peerSide) {
      peerSide.socket.send(encodeTunnelFrame({ type: T.SESSION_RESET }));
      if (peerSide.socket.isPaused) peerSide.socket.resume();
    } else if (written) {
      clearTimeout(tunnel.expiry);
      this.live.delete(tunnelId);
    }
    if (reason) closeWith(side.socket, CLOSED, reason);
    if (written) this.left(side.peer);
  }

  private left(peer: AdmittedPeer): void {
    const write = this.tunnels.disconnected(peer).catch(() => undefined);
    this.writing.add(write);
    void write.finally(() => this.writing.delete(write));
  }

  private sides(): Side[] {
    return [...this.live.values()].flatMap((t) => [t.source, t.destination].filter((s): s is Side => s !== undefined));
  }

  private async sweep(): Promise<void> {
    const sides = this.sides();
    if (sides.length === 0) return;
    const ok = await this.tunnels.stillAdmitted(sides.map((s) => s.peer)).catch(() => undefined);
    if (!ok) return;
    for (const s of sides) if (!ok.has(s.peer.tokenHash)) this.cut(s.peer.tunnelId, s.peer.side, 'tunnel closed');
  }

  /** A side that did not answer the last ping is gone (a half-open connection): it is dropped, the other side told. */
  private ping(): void {
    for (const s of this.sides()) {
      if (!s.alive) s.socket.terminate();
      else {
        s.alive = false;
        s.socket.ping();
      }
    }
  }

  private relay(tunnel: Live, from: Side, data: Buffer, isBinary: boolean) {
    // What a replaced or cut connection still sends goes nowhere.
    if (tunnel[from.peer.side] !== from) return;
    if (!isBinary) return closeWith(from.socket, UNSUPPORTED_DATA, 'the protocol is binary frames only');
    if (data.length > MAX_TUNNEL_WEBSOCKET_FRAME) return closeWith(from.socket, TOO_BIG, `a WebSocket frame is at most ${MAX_TUNNEL_WEBSOCKET_FRAME} bytes`);
    const { frames, bytes } = from.reader.push(data);
    const to = tunnel[other(from.peer.side)];
    const resets: Buffer[] = [];
    for (const frame of frames) {
      let m;
      try {
        m = decodeTunnelMessage(frame);
      } catch {
        return closeWith(from.socket, VIOLATION, 'a frame that is not a tunnel message');
      }
      const violation = this.violation(from, m);
      if (violation) return closeWith(from.socket, VIOLATION, violation);
      // Nobody on the other end: a start is answered with its reset at once; data has nowhere to go.
      if (!to && m.type === T.STREAM_START) resets.push(encodeTunnelFrame({ type: T.STREAM_RESET, streamId: m.streamId, serviceId: m.serviceId }));
      if (!to && m.type === T.CONNECTION_START) resets.push(encodeTunnelFrame({ type: T.CONNECTION_RESET, streamId: m.streamId, serviceId: m.serviceId, connectionId: m.connectionId }));
    }
    if (resets.length) {
      if (from.socket.bufferedAmount > HIGH_WATER) return closeWith(from.socket, VIOLATION, 'the proxy does not read what it is sent');
      from.socket.send(Buffer.concat(resets));
    }
    if (!to || bytes.length === 0) return;
    to.socket.send(bytes, { binary: true }, () => {
      if (from.socket.isPaused && to.socket.bufferedAmount < LOW_WATER) from.socket.resume();
    });
    if (to.socket.bufferedAmount > HIGH_WATER) from.socket.pause();
  }

  private violation(from: Side, m: ReturnType<typeof decodeTunnelMessage>): string | undefined {
    if (m.type === T.SERVICE_IDS || m.type === T.SESSION_RESET) return 'only the service sends SERVICE_IDS and SESSION_RESET';
    if (m.type === T.UNKNOWN || (m.type > T.CONNECTION_RESET && !m.ignorable)) return `message type ${m.type} is not the protocol's`;
    if (m.type === T.STREAM_START && from.peer.side !== 'source') return 'only the source starts streams';
    if (STREAM_TYPES.has(m.type) && m.streamId <= 0) return 'stream messages need a positive stream id';
    if (m.serviceId && !from.peer.services.includes(m.serviceId)) return `service ${JSON.stringify(m.serviceId.slice(0, 40))} is not one of this tunnel's`;
    if (m.payload.length > MAX_TUNNEL_PAYLOAD) return `a payload is at most ${MAX_TUNNEL_PAYLOAD} bytes`;
    return undefined;
  }
}

/** One value of a header or cookie, or why there is not exactly one. */
function single(values: (string | undefined)[], what: string): string | DomainError | null {
  const present = values.filter((v): v is string => v !== undefined);
  if (present.length > 1) return new DomainError('INVALID_ARGUMENT', `Send the ${what} once.`);
  return present[0] ?? null;
}

const headerValues = (req: FastifyRequest, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v : v === undefined ? [] : String(v).split(/\s*,\s*/);
};
const cookieValues = (req: FastifyRequest, name: string) =>
  headerValues(req, 'cookie')
    .flatMap((c) => c.split(/;\s*/))
    .filter((c) => c.startsWith(`${name}=`))
    .map((c) => c.slice(name.length + 1));

function refuse(reply: FastifyReply, err: unknown): FastifyReply {
  if (!(err instanceof DomainError)) throw err;
  const status = err.code === 'VALIDATION_FAILED' ? 400 : err.code === 'FORBIDDEN' && err.reason === 'TUNNEL_ACCESS_DENIED' ? 401 : err.code === 'CONFLICT' ? 410 : 403;
  return reply.code(status).header('content-type', 'application/json').send({ message: err.message, code: err.reason });
}

/**
 * AWS IoT secure tunneling's data endpoint at /tunnel (TUNNEL_PATH): a WebSocket handshake with
 * `local-proxy-mode`, an access token (header `access-token` or cookie `awsiot-tunnel-token`),
 * an optional `client-token`, and subprotocol aws.iot.securetunneling-3.0 (or 2.0). Refusals are
 * HTTP answers before the upgrade: 400 malformed, 401 a token that may not join, 410 a closed tunnel.
 */
export async function registerTunnelEndpoint(fastify: FastifyInstance, tunnels: TunnelService, relay: TunnelRelay): Promise<void> {
  // Registered here first, so GraphQL subscriptions (mercurius) share this WebSocket server.
  await fastify.register(websocket, {
    options: {
      maxPayload: Math.max(MAX_TUNNEL_WEBSOCKET_FRAME, 1024 * 1024),
      perMessageDeflate: false,
      handleProtocols: (protocols: Set<string>, req: IncomingMessage) => {
        if (req.url === TUNNEL_PATH || req.url?.startsWith(`${TUNNEL_PATH}?`)) return TUNNEL_SUBPROTOCOLS.find((p) => protocols.has(p)) ?? false;
        return protocols.values().next().value ?? false;
      },
    },
  });
  const admitted = new WeakMap<FastifyRequest, AdmittedPeer>();
  fastify.route({
    method: 'GET',
    url: TUNNEL_PATH,
    preValidation: async (req, reply) => {
      try {
        const mode = (req.query as Record<string, unknown>)['local-proxy-mode'];
        if (mode !== 'source' && mode !== 'destination') throw new DomainError('INVALID_ARGUMENT', 'local-proxy-mode must be source or destination.');
        const protocols = headerValues(req, 'sec-websocket-protocol');
        if (!TUNNEL_SUBPROTOCOLS.some((p) => protocols.includes(p))) throw new DomainError('INVALID_ARGUMENT', `Sec-WebSocket-Protocol must offer ${TUNNEL_SUBPROTOCOLS.join(' or ')}.`);
        const token = single([...headerValues(req, 'access-token'), ...cookieValues(req, 'awsiot-tunnel-token')], 'access token (header access-token or cookie awsiot-tunnel-token)');
        if (token instanceof DomainError) throw token;
        if (!token) throw new DomainError('TUNNEL_ACCESS_DENIED', 'An access token is required: header access-token (or cookie awsiot-tunnel-token).');
        const clientToken = single(headerValues(req, 'client-token'), 'client-token header');
        if (clientToken instanceof DomainError) throw clientToken;
        if (clientToken !== null && !CLIENT_TOKEN.test(clientToken)) throw new DomainError('INVALID_ARGUMENT', 'client-token must be 32 to 128 of a-z, A-Z, 0-9 and -.');
        admitted.set(req, await tunnels.admit(token, mode, clientToken, req.ip));
      } catch (err) {
        return refuse(reply, err);
      }
    },
    handler: (_req, reply) => reply.code(426).send({ message: 'The tunnel endpoint takes a WebSocket upgrade (a local proxy).' }),
    wsHandler: (socket, req) => relay.join(admitted.get(req)!, socket),
  });
}

/** The URL local proxies join at: TUNNEL_PUBLIC_URL, else the api's public URL, else the address this request reached. */
export function tunnelEndpointFor(config: Config, req: { protocol: string; host: string }): string {
  if (config.TUNNEL_PUBLIC_URL) return config.TUNNEL_PUBLIC_URL.replace(/\/+$/, '');
  const base = config.API_PUBLIC_URL ?? `${req.protocol}://${req.host}`;
  return base.replace(/^http/, 'ws').replace(/\/+$/, '');
}
