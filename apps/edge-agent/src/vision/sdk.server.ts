import { createServer, type Server, type Socket } from 'node:net';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Camera, Frame } from './camera.hub';
import type { Model, TensorData } from './model.runtime';

/** How long `get()` waits for a new frame before it hands back the last one again (`is_cached`). */
const GET_WAIT_MS = 1000;
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** What a code node's SDK reaches through its socket: its cameras by input port, the instance's models, its outputs. */
export interface SdkNode {
  /** The cameras on a media input port now (a paused camera is not read). */
  cameras(port: string): Camera[];
  model(name: string): Model | Error | undefined;
  output(port: string, frames: OutputFrame[]): void;
  /** Temporary credentials of the application's runtime role. */
  credentials(): Promise<object>;
}

/** A frame the application put on an output port, with what it drew. */
export interface OutputFrame {
  streamId: string;
  width: number;
  height: number;
  data: Buffer;
  labels: [string, number, number][];
  rects: [number, number, number, number][];
}

/**
 * The socket between `panoramasdk` (application code, in its container or process) and the
 * agent: a Unix socket per code node, mounted into the container. A message is a 4-byte
 * big-endian header length, a JSON header, then `header.bytes` bytes of payload (frames, tensors).
 * Requests: `get` (a media port's newest frames), `call` (a model node's inference), `put` (frames
 * for an output port), `credentials` (the runtime role's temporary credentials). Frames cross as
 * raw BGR bytes: a 640×480 frame is 0.9 MB, which a local socket moves in well under a millisecond.
 */
export class SdkServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly socketPath: string,
    private readonly node: SdkNode,
  ) {
    rmSync(socketPath, { force: true });
    mkdirSync(path.dirname(socketPath), { recursive: true });
    this.server = createServer((socket) => this.serve(socket));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => this.server.once('error', reject).listen(this.socketPath, () => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    /** The sequence of the last frame of each camera this connection was given. */
    const seen = new Map<Camera, number>();
    // Chunks as they came, joined once a whole message is there (a tensor or a frame is megabytes in dozens of chunks).
    let chunks: Buffer[] = [];
    let size = 0;
    const joined = () => (chunks.length > 1 ? (chunks = [Buffer.concat(chunks, size)]) : chunks)[0];
    let message: { header: Record<string, any>; headerLength: number; bytes: number } | undefined;
    let busy = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      for (;;) {
        if (!message) {
          if (size < 4) return;
          const headerLength = joined().readUInt32BE(0);
          if (headerLength > 1 << 20) return void socket.destroy();
          if (size < 4 + headerLength) return;
          try {
            const header = JSON.parse(joined().subarray(4, 4 + headerLength).toString('utf8'));
            message = { header, headerLength, bytes: Number(header.bytes ?? 0) };
          } catch {
            return void socket.destroy();
          }
          if (!(message.bytes >= 0 && message.bytes <= MAX_MESSAGE_BYTES)) return void socket.destroy();
        }
        const end = 4 + message.headerLength + message.bytes;
        if (size < end) return;
        const all = joined();
        const { header } = message;
        const payload = all.subarray(4 + message.headerLength, end);
        chunks = size > end ? [all.subarray(end)] : [];
        size -= end;
        message = undefined;
        // Answers go back in the order the requests came.
        busy = busy.then(() =>
          this.answer(header, payload, seen)
            .catch((err: Error) => ({ header: { ok: false, error: err.message }, payload: [] }))
            .then(({ header: h, payload: parts }) => {
              if (!socket.writable) return;
              socket.cork();
              socket.write(encode(h, parts.reduce((n, p) => n + p.length, 0)));
              for (const part of parts) socket.write(part);
              socket.uncork();
            }),
        );
      }
    });
  }

  private async answer(req: Record<string, any>, payload: Buffer, seen: Map<Camera, number>): Promise<{ header: Record<string, unknown>; payload: Buffer[] }> {
    switch (req.op) {
      case 'get':
        return this.get(String(req.port), seen);
      case 'call': {
        const model = this.node.model(String(req.model));
        if (!model) throw new Error(`no model node ${req.model} in this application`);
        if (model instanceof Error) throw new Error(`model node ${req.model} is not running: ${model.message}`);
        const inputs = splitTensors(req.inputs, payload);
        const outputs = await model.infer(inputs);
        return { header: { ok: true, outputs: outputs.map(({ data, ...t }) => ({ ...t, size: data.length })) }, payload: outputs.map((o) => o.data) };
      }
      case 'put': {
        let offset = 0;
        const frames: OutputFrame[] = (req.frames ?? []).map((f: Record<string, any>) => {
          const data = payload.subarray(offset, offset + Number(f.size));
          offset += Number(f.size);
          return { streamId: String(f.stream_id), width: Number(f.width), height: Number(f.height), data, labels: f.labels ?? [], rects: f.rects ?? [] };
        });
        this.node.output(String(req.port), frames);
        return { header: { ok: true }, payload: [] };
      }
      case 'credentials':
        return { header: { ok: true, credentials: await this.node.credentials() }, payload: [] };
      default:
        throw new Error(`unknown request ${String(req.op)}`);
    }
  }

  /** The newest frame of each camera on the port; waits up to GET_WAIT_MS for one the connection has not had. */
  private async get(port: string, seen: Map<Camera, number>): Promise<{ header: Record<string, unknown>; payload: Buffer[] }> {
    const cameras = this.node.cameras(port);
    const fresh = () => cameras.some((c) => c.latest && c.latest.seq !== seen.get(c));
    if (cameras.length && !fresh()) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          for (const c of cameras) c.off('frame', done);
          resolve();
        };
        const timer = setTimeout(done, GET_WAIT_MS);
        for (const c of cameras) c.on('frame', done);
      });
    }
    const frames: { camera: Camera; frame: Frame }[] = cameras.filter((c) => c.latest).map((c) => ({ camera: c, frame: c.latest! }));
    const header = {
      ok: true,
      frames: frames.map(({ camera, frame }) => {
        const cached = seen.get(camera) === frame.seq;
        seen.set(camera, frame.seq);
        return { stream_id: camera.name, time_stamp: frame.capturedAt / 1000, is_cached: cached, width: frame.width, height: frame.height, size: frame.data.length };
      }),
    };
    return { header, payload: frames.map((f) => f.frame.data) };
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    // The socket's folder is the node's alone (it is what a container mounts).
    rmSync(path.dirname(this.socketPath), { recursive: true, force: true });
  }
}

/** A message's length and header; its `bytes` of payload follow. */
function encode(header: Record<string, unknown>, bytes: number): Buffer {
  const json = Buffer.from(JSON.stringify({ ...header, bytes }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([length, json]);
}

function splitTensors(list: unknown, payload: Buffer): TensorData[] {
  if (!Array.isArray(list)) throw new Error('call: inputs must be a list of tensors');
  let offset = 0;
  return list.map((t: Record<string, any>) => {
    const size = Number(t.size);
    if (!Array.isArray(t.shape) || !(size >= 0) || offset + size > payload.length) throw new Error(`call: input ${t.name} is malformed`);
    const data = payload.subarray(offset, offset + size);
    offset += size;
    return { name: String(t.name), dtype: String(t.dtype), shape: t.shape.map(Number), data };
  });
}
