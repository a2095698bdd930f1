import { execFile } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, readSync, closeSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type * as Ort from 'onnxruntime-node';

const run = promisify(execFile);
/** ONNX Runtime, loaded with the first model: an agent that runs none does not carry it (11 MB). */
let onnxRuntime: Promise<typeof Ort> | undefined;
const loadOnnxRuntime = () => (onnxRuntime ??= import('onnxruntime-node'));

/** A tensor crossing the SDK's socket: its bytes, little-endian, row-major. */
export interface TensorData {
  name: string;
  dtype: string;
  shape: number[];
  data: Buffer;
}

const ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  int8: Int8Array,
} as const;
type DType = keyof typeof ARRAYS;

/** How to export a model of another framework (the README's Models section says the same). */
const EXPORT_HINT = 'this device runs ONNX models (ONNX Runtime): export it to ONNX (torch.onnx.export, tf2onnx) and register it with framework ONNX';

/**
 * A model node's model, loaded with ONNX Runtime (CPU) in the agent: the model node is the
 * runtime's, not the application's, as on Panorama, and `self.call()` reaches it through the
 * node's SDK socket. One session per model node, runs one at a time (ONNX Runtime uses the cores
 * for each run).
 */
export class Model {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly name: string,
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
  ) {}

  /**
   * Loads a model package's asset (an `.onnx` file, or a tar.gz holding one, as Panorama's model
   * assets are) under `dir`, checked against its descriptor (framework, input names and shapes).
   * Throws the precise reason a device cannot run it.
   */
  static async load(name: string, asset: string, descriptorFile: string, dir: string): Promise<Model> {
    let descriptor: { framework?: string; inputs?: { name: string; shape: number[] }[] };
    try {
      descriptor = JSON.parse(readFileSync(descriptorFile, 'utf8')).mlModelDescriptor ?? {};
    } catch (err) {
      throw new Error(`its descriptor does not read: ${(err as Error).message}`);
    }
    const framework = String(descriptor.framework ?? 'unknown');
    if (framework !== 'ONNX') throw new Error(`framework ${framework}: ${EXPORT_HINT}`);
    const file = await onnxFileOf(asset, dir);
    const ort = await loadOnnxRuntime();
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'], extra: { session: { intra_op: { allow_spinning: '0' } } } });
    } catch (err) {
      throw new Error(`the model does not load in ONNX Runtime: ${(err as Error).message.split('\n')[0]}`);
    }
    const metadata = new Map(session.inputMetadata.map((m) => [m.name, m]));
    for (const input of descriptor.inputs ?? []) {
      const m = metadata.get(input.name);
      if (!m) throw new Error(`input ${input.name} of the descriptor is not one of the model's inputs (${session.inputNames.join(', ')})`);
      const shape = m.isTensor ? m.shape : [];
      const fits = shape.length === input.shape.length && shape.every((d, i) => typeof d !== 'number' || d === input.shape[i]);
      if (!fits) throw new Error(`input ${input.name} has shape [${shape.join(', ')}] in the model; the descriptor says [${input.shape.join(', ')}]`);
    }
    return new Model(name, ort, session);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  /** Runs the model on the inputs the application passed, one run at a time. */
  infer(inputs: TensorData[]): Promise<TensorData[]> {
    const next = this.queue.then(() => this.run(inputs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async run(inputs: TensorData[]): Promise<TensorData[]> {
    const feeds: Record<string, Ort.Tensor> = {};
    for (const input of inputs) {
      if (!this.session.inputNames.includes(input.name)) throw new Error(`the model has no input ${input.name} (its inputs: ${this.session.inputNames.join(', ')})`);
      const Array_ = ARRAYS[input.dtype as DType];
      if (!Array_) throw new Error(`input ${input.name}: dtype ${input.dtype} is not one of ${Object.keys(ARRAYS).join(', ')}`);
      const count = input.shape.reduce((a, b) => a * b, 1);
      if (count * Array_.BYTES_PER_ELEMENT !== input.data.length) throw new Error(`input ${input.name}: shape [${input.shape.join(', ')}] needs ${count * Array_.BYTES_PER_ELEMENT} bytes; ${input.data.length} came`);
      // A view when the bytes are aligned for the type, a copy into an aligned array otherwise.
      const aligned = input.data.byteOffset % Array_.BYTES_PER_ELEMENT === 0;
      const values = aligned ? new Array_(input.data.buffer as ArrayBuffer, input.data.byteOffset, count) : new Array_(count);
      if (!aligned) Buffer.from(values.buffer).set(input.data);
      feeds[input.name] = new this.ort.Tensor(input.dtype as 'float32', values as Float32Array, input.shape);
    }
    for (const name of this.session.inputNames) if (!feeds[name]) throw new Error(`input ${name} of the model is missing`);
    let results: Ort.InferenceSession.OnnxValueMapType;
    try {
      results = await this.session.run(feeds);
    } catch (err) {
      throw new Error(`inference failed: ${(err as Error).message.split('\n')[0]}`);
    }
    return this.session.outputNames.map((name) => {
      const t = results[name] as Ort.Tensor;
      const data = t.data as ArrayBufferView;
      return { name, dtype: t.type, shape: [...t.dims], data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
    });
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** The `.onnx` file of a model asset: the asset itself, or the first one in its tar.gz. */
async function onnxFileOf(asset: string, dir: string): Promise<string> {
  const head = Buffer.alloc(2);
  const fd = openSync(asset, 'r');
  readSync(fd, head, 0, 2, 0);
  closeSync(fd);
  if (head[0] !== 0x1f || head[1] !== 0x8b) return asset;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    await run('tar', ['-xzf', asset, '-C', dir]);
  } catch (err) {
    throw new Error(`its asset is not a readable tar.gz: ${(err as Error).message.split('\n')[0]}`);
  }
  const found = (readdirSync(dir, { recursive: true }) as string[]).find((f) => f.endsWith('.onnx'));
  if (!found) throw new Error(`its asset holds no .onnx file (${EXPORT_HINT})`);
  return path.join(dir, found);
}
