import { MAX_TUNNEL_PAYLOAD, TunnelFrameReader, TunnelMessageType as T, decodeTunnelMessage, encodeDataFrames, encodeTunnelFrame, tunnelNotification } from './secure-tunneling.contract';

describe("AWS IoT secure tunneling's frames", () => {
  it('are a 2-byte big-endian length and the protobuf Message, field for field as Message.proto numbers them', () => {
    // type=DATA (1), streamId=1 (2), payload "hi" (4), connectionId=1 (7); proto3 leaves defaults (ignorable=false) out.
    const frame = encodeTunnelFrame({ type: T.DATA, streamId: 1, payload: Buffer.from('hi'), connectionId: 1 });
    expect(frame.toString('hex')).toBe('000a' + '0801' + '1001' + '22026869' + '3801');
    const services = encodeTunnelFrame({ type: T.SERVICE_IDS, availableServiceIds: ['SSH', 'RDP'] });
    expect(services.toString('hex')).toBe('000c' + '0805' + '3203' + Buffer.from('SSH').toString('hex') + '3203' + Buffer.from('RDP').toString('hex'));
    expect(decodeTunnelMessage(services.subarray(2))).toEqual({ type: T.SERVICE_IDS, streamId: 0, ignorable: false, payload: new Uint8Array(0), serviceId: '', availableServiceIds: ['SSH', 'RDP'], connectionId: 0 });
  });

  it('are read back whatever the WebSocket messages cut them into, and forwarded as they came', () => {
    const frames = [encodeTunnelFrame({ type: T.STREAM_START, streamId: 7, serviceId: 'SSH', connectionId: 1 }), encodeTunnelFrame({ type: T.DATA, streamId: 7, payload: Buffer.alloc(1000, 1), connectionId: 1 })];
    const all = Buffer.concat(frames);
    for (const cut of [1, 2, 3, frames[0].length, frames[0].length + 1, all.length - 1]) {
      const reader = new TunnelFrameReader();
      const first = reader.push(all.subarray(0, cut));
      const second = reader.push(all.subarray(cut));
      const read = [...first.frames, ...second.frames].map((f) => decodeTunnelMessage(f));
      expect(read.map((m) => [m.type, m.streamId, m.payload.length])).toEqual([[T.STREAM_START, 7, 0], [T.DATA, 7, 1000]]);
      expect(Buffer.concat([first.bytes, second.bytes]).equals(all)).toBe(true);
    }
  });

  it('carry a read of data as the DATA frames encodeTunnelFrame would give, in one buffer', () => {
    for (const [length, streamId, connectionId, serviceId] of [[65_536, 1, 1, 'SSH'], [100, 300, 70_000, 'RDP'], [MAX_TUNNEL_PAYLOAD, 5, 0, ''], [3 * MAX_TUNNEL_PAYLOAD + 1, 1, 2, 'x'.repeat(128)]] as const) {
      const data = Buffer.from(Array.from({ length }, (_, i) => i % 251));
      const expected: Buffer[] = [];
      for (let at = 0; at < length; at += MAX_TUNNEL_PAYLOAD) expected.push(encodeTunnelFrame({ type: T.DATA, streamId, serviceId: serviceId || undefined, connectionId: connectionId || undefined, payload: data.subarray(at, at + MAX_TUNNEL_PAYLOAD) }));
      expect(encodeDataFrames(streamId, Buffer.from(serviceId), connectionId, data).equals(Buffer.concat(expected))).toBe(true);
    }
  });

  it('refuse bytes that are not a message, and messages too large for a frame', () => {
    expect(() => decodeTunnelMessage(Buffer.from([0x08, 0x80]))).toThrow();
    expect(() => encodeTunnelFrame({ type: T.DATA, streamId: 1, payload: Buffer.alloc(70_000) })).toThrow(RangeError);
  });

  it("take AWS's device notification as AWS IoT publishes it", () => {
    const aws = { clientAccessToken: 'destination-client-access-token', clientMode: 'destination', region: 'us-east-1', services: ['SSH'] };
    expect(tunnelNotification.parse(aws)).toEqual(aws);
    expect(tunnelNotification.safeParse({ ...aws, services: [] }).success).toBe(false);
  });
});
