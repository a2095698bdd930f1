import protobuf from 'protobufjs';
import { z } from 'zod';

/**
 * AWS IoT secure tunneling's wire protocol (aws-iot-securetunneling-localproxy, V2 and V3
 * WebSocket protocol guides): the device's notification, the WebSocket subprotocols, and the
 * tunnel frames — a 2-byte big-endian length, then one protobuf `Message`.
 */
export const tunnelsNotifyTopic = (thingName: string) => `$aws/things/${thingName}/tunnels/notify`;

/** What AWS IoT publishes to a device when a tunnel to it opens, field for field. */
export const tunnelNotification = z.object({
  clientAccessToken: z.string().min(1),
  clientMode: z.enum(['source', 'destination']),
  region: z.string(),
  services: z.array(z.string()).min(1),
});
export type TunnelNotification = z.infer<typeof tunnelNotification>;

export const TUNNEL_PATH = '/tunnel';
/**
 * Preferred first: V3 multiplexes TCP connections in a stream. A V3 destination knows a V2 source by
 * its STREAM_START without a connection id, and answers it as V2 does (one connection a stream).
 */
export const TUNNEL_SUBPROTOCOLS = ['aws.iot.securetunneling-3.0', 'aws.iot.securetunneling-2.0'] as const;
/** The largest payload a message may carry (63 KiB), and the largest WebSocket frame (V3). */
export const MAX_TUNNEL_PAYLOAD = 64_512;
export const MAX_TUNNEL_WEBSOCKET_FRAME = 131_076;

export enum TunnelMessageType {
  UNKNOWN = 0,
  DATA = 1,
  STREAM_START = 2,
  STREAM_RESET = 3,
  SESSION_RESET = 4,
  SERVICE_IDS = 5,
  CONNECTION_START = 6,
  CONNECTION_RESET = 7,
}

export interface TunnelMessage {
  type: TunnelMessageType;
  streamId?: number;
  ignorable?: boolean;
  payload?: Uint8Array;
  serviceId?: string;
  availableServiceIds?: string[];
  connectionId?: number;
}

// resources/Message.proto of the localproxy, as protobufjs JSON (package com.amazonaws.iot.securedtunneling).
const MESSAGE = protobuf.Root.fromJSON({
  nested: {
    Message: {
      fields: {
        type: { type: 'Type', id: 1 },
        streamId: { type: 'int32', id: 2 },
        ignorable: { type: 'bool', id: 3 },
        payload: { type: 'bytes', id: 4 },
        serviceId: { type: 'string', id: 5 },
        availableServiceIds: { rule: 'repeated', type: 'string', id: 6 },
        connectionId: { type: 'uint32', id: 7 },
      },
      nested: { Type: { values: Object.fromEntries(Object.entries(TunnelMessageType).filter((e): e is [string, number] => typeof e[1] === 'number')) } },
    },
  },
}).lookupType('Message');

/** One tunnel frame: length prefix and message. */
export function encodeTunnelFrame(message: TunnelMessage): Buffer {
  const body = MESSAGE.encode(message as unknown as protobuf.Message).finish();
  if (body.length > 0xffff) throw new RangeError(`A tunnel message is at most 65535 bytes; this one is ${body.length}.`);
  const frame = Buffer.allocUnsafe(2 + body.length);
  frame.writeUInt16BE(body.length, 0);
  frame.set(body, 2);
  return frame;
}

const varintSize = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);
function writeVarint(out: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[at++] = n;
  return at;
}

/**
 * The DATA frames that carry `data` (MAX_TUNNEL_PAYLOAD each), prefixes and all, in one buffer:
 * byte for byte what `encodeTunnelFrame` gives for each (for a non-empty service id), with the
 * payload copied once (the hot path of a transfer: no protobuf writer, no second copy). An empty
 * `serviceId` is left out (V1 had none); connection id 0 is left out (a V2 stream).
 */
export function encodeDataFrames(streamId: number, serviceId: Buffer, connectionId: number, data: Uint8Array): Buffer {
  const fixed = 3 + varintSize(streamId) + (serviceId.length ? 1 + varintSize(serviceId.length) + serviceId.length : 0) + (connectionId ? 1 + varintSize(connectionId) : 0);
  let size = 0;
  for (let at = 0; at < data.length; at += MAX_TUNNEL_PAYLOAD) {
    const n = Math.min(MAX_TUNNEL_PAYLOAD, data.length - at);
    size += 2 + fixed + 1 + varintSize(n) + n;
  }
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (let at = 0; at < data.length; at += MAX_TUNNEL_PAYLOAD) {
    const n = Math.min(MAX_TUNNEL_PAYLOAD, data.length - at);
    o = out.writeUInt16BE(fixed + 1 + varintSize(n) + n, o);
    out[o++] = 0x08; // 1 type
    out[o++] = TunnelMessageType.DATA;
    out[o++] = 0x10; // 2 streamId
    o = writeVarint(out, o, streamId);
    out[o++] = 0x22; // 4 payload
    o = writeVarint(out, o, n);
    out.set(data.subarray(at, at + n), o);
    o += n;
    if (serviceId.length) {
      out[o++] = 0x2a; // 5 serviceId
      o = writeVarint(out, o, serviceId.length);
      o += serviceId.copy(out, o);
    }
    if (connectionId) {
      out[o++] = 0x38; // 7 connectionId
      o = writeVarint(out, o, connectionId);
    }
  }
  return out;
}

/** A frame's message (without its prefix); throws on bytes that are not one. Defaults are filled in (proto3). */
export function decodeTunnelMessage(body: Uint8Array): Required<Omit<TunnelMessage, 'payload'>> & { payload: Uint8Array } {
  const m = MESSAGE.decode(body) as unknown as TunnelMessage;
  return {
    type: m.type ?? TunnelMessageType.UNKNOWN,
    streamId: m.streamId ?? 0,
    ignorable: m.ignorable ?? false,
    // An absent payload decodes as protobufjs's default (a plain array where it finds no Buffer): always bytes here.
    payload: m.payload instanceof Uint8Array ? m.payload : new Uint8Array(0),
    serviceId: m.serviceId ?? '',
    availableServiceIds: m.availableServiceIds ?? [],
    connectionId: m.connectionId ?? 0,
  };
}

/**
 * Tunnel frames out of WebSocket messages, which may hold several frames or a slice of one:
 * `push` returns the complete frames so far, each without its prefix, and `bytes`, those same
 * frames with their prefixes as one buffer (what a relay forwards unchanged).
 */
export class TunnelFrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { frames: Buffer[]; bytes: Buffer } {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Buffer[] = [];
    let at = 0;
    while (data.length - at >= 2) {
      const length = data.readUInt16BE(at);
      if (data.length - at - 2 < length) break;
      frames.push(data.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
    this.pending = at === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(at));
    return { frames, bytes: data.subarray(0, at) };
  }
}
