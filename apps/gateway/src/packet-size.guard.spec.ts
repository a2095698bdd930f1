import mqttPacket from 'mqtt-packet';
import { PassThrough } from 'node:stream';
import { PacketSizeMeter, guardPacketSize } from './packet-size.guard';

const publish = (bytes: number) => mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(bytes), qos: 0, retain: false, dup: false });
const connect = mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'device-a', clean: true, keepalive: 30 });
const PING = mqttPacket.generate({ cmd: 'pingreq' });
/** A fixed header that announces `remaining` bytes, and nothing after it. */
const header = (first: number, remaining: number) => {
  const bytes = [first];
  do {
    bytes.push((remaining % 128) | (remaining >= 128 ? 0x80 : 0));
    remaining = Math.floor(remaining / 128);
  } while (remaining > 0);
  return Buffer.from(bytes);
};
/** Feeds `data` in chunks of `size` bytes; the first refusal, if any. */
const feed = (meter: PacketSizeMeter, data: Buffer, size: number) => {
  for (let i = 0; i < data.length; i += size) {
    const over = meter.feed(data.subarray(i, i + size));
    if (over !== undefined) return over;
  }
  return undefined;
};

describe('packet size meter: the MQTT fixed header of every packet, before the parser buffers it', () => {
  it.each([1, 2, 3, 7, 1000])('follows packets across chunks of %d bytes', (size) => {
    const stream = Buffer.concat([connect, publish(10), PING, publish(1000 - 6), PING, publish(300)]);
    expect(feed(new PacketSizeMeter(1000), stream, size)).toBeUndefined();
    expect(feed(new PacketSizeMeter(1000), Buffer.concat([stream, publish(1000)]), size)).toBe(1006);
  });

  it('counts the whole packet, fixed header included', () => {
    expect(publish(1000 - 6).length).toBe(1000);
    expect(new PacketSizeMeter(1000).feed(publish(1000 - 6))).toBeUndefined();
    expect(new PacketSizeMeter(1000).feed(publish(1000 - 5))).toBe(1001);
  });

  it('refuses on the header alone: a 48 MB CONNECT is known after 5 bytes', () => {
    expect(new PacketSizeMeter(256 * 1024).feed(header(0x10, 48 * 1024 * 1024))).toBe(48 * 1024 * 1024 + 5);
  });

  it('refuses a length that is not a valid MQTT remaining length (more than 4 bytes)', () => {
    expect(new PacketSizeMeter(1000).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(Infinity);
  });
});

describe('guardPacketSize: on a socket', () => {
  it('passes packets under the limit through unchanged, and destroys the socket at the first one over it', () => {
    const socket = new PassThrough();
    const refused: number[] = [];
    guardPacketSize(socket, 1000, (bytes) => refused.push(bytes));
    socket.write(Buffer.concat([connect, PING]));
    expect(socket.read()).toEqual(Buffer.concat([connect, PING]));
    socket.write(header(0x30, 48 * 1024 * 1024));
    expect(socket.read()).toBeNull();
    expect(refused).toEqual([48 * 1024 * 1024 + 5]);
    expect(socket.destroyed).toBe(true);
  });
});
