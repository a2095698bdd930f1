import type { Readable } from 'node:stream';

/**
 * Follows the MQTT fixed headers in a byte stream (type byte, then a remaining length of 1 to 4
 * bytes) and skips the bodies, so the size of each packet is known from its first bytes: a
 * packet announcing more than the limit is refused before anyone buffers it.
 */
export class PacketSizeMeter {
  /** Bytes of the current packet's body still to come: 0 at a packet's first byte, -1 inside its remaining length. */
  private remaining = 0;
  private length = 0;
  private lengthBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The size of the first packet over the limit in `chunk` (Infinity for a malformed length), if any. */
  feed(chunk: Buffer): number | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const skip = Math.min(this.remaining, chunk.length - i);
        this.remaining -= skip;
        i += skip;
      } else if (this.remaining === 0) {
        // The type and flags byte: mqtt-packet checks it; only the length matters here.
        this.remaining = -1;
        this.length = 0;
        this.lengthBytes = 0;
        i++;
      } else {
        const byte = chunk[i++];
        this.length += (byte & 0x7f) * 128 ** this.lengthBytes++;
        if (byte & 0x80) {
          if (this.lengthBytes === 4) return Infinity;
          continue;
        }
        const size = 1 + this.lengthBytes + this.length;
        if (size > this.maxBytes) return size;
        this.remaining = this.length;
      }
    }
    return undefined;
  }
}

/**
 * mqtt-packet has no size limit and aedes buffers whatever a packet announces (a 48 MB CONNECT,
 * before authentication), so every read of the socket goes through a meter first. aedes and Node
 * streams read through `read()`, which is where the bytes are counted.
 */
export function guardPacketSize(socket: Readable, maxBytes: number, onRefused: (bytes: number) => void): void {
  const meter = new PacketSizeMeter(maxBytes);
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk: Buffer | null = read(size);
    if (chunk === null || socket.destroyed) return chunk;
    const over = meter.feed(chunk);
    if (over === undefined) return chunk;
    onRefused(over);
    socket.destroy();
    return null;
  };
}
