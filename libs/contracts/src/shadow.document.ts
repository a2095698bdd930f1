import type { ShadowState } from './shadow.contract';

/** A stored shadow: AWS IoT Device Shadow semantics. */
export interface ShadowDocument {
  desired: ShadowState | null;
  reported: ShadowState | null;
  metadata: { desired?: object; reported?: object };
  version: number;
}

export interface ShadowUpdate {
  desired?: ShadowState | null;
  reported?: ShadowState | null;
}

export class ShadowError extends Error {
  override name = 'ShadowError';
  constructor(
    readonly code: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500,
    message: string,
  ) {
    super(message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (isObject(v)) return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

/** Merges `patch` into `base`: objects merge key by key, null deletes, anything else replaces. */
function merge(base: Record<string, unknown> | null, patch: Record<string, unknown>): Record<string, unknown> | null {
  const out: Record<string, unknown> = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(out[k])) out[k] = merge(out[k] as Record<string, unknown>, v) ?? {};
    else out[k] = v;
  }
  return Object.keys(out).length ? out : null;
}

/** Metadata mirrors the updated keys with the time of their last update. */
function stamp(patch: unknown, timestamp: number): unknown {
  if (isObject(patch)) return Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, stamp(v, timestamp)]));
  if (Array.isArray(patch)) return patch.map((v) => stamp(v, timestamp));
  return { timestamp };
}

function mergeMetadata(base: unknown, patch: unknown, timestamp: number): unknown {
  if (!isObject(patch)) return stamp(patch, timestamp);
  const out: Record<string, unknown> = isObject(base) && !('timestamp' in base && Object.keys(base).length === 1) ? { ...base } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = isObject(v) ? mergeMetadata(out[k], v, timestamp) : stamp(v, timestamp);
  }
  return out;
}

/** Desired keys whose value differs from reported (AWS: the delta). Undefined when there is none. */
export function deltaOf(desired: unknown, reported: unknown): ShadowState | undefined {
  if (!isObject(desired)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(desired)) {
    const r = isObject(reported) ? reported[k] : undefined;
    if (isObject(v) && isObject(r)) {
      const d = deltaOf(v, r);
      if (d) out[k] = d;
    } else if (JSON.stringify(v) !== JSON.stringify(r)) out[k] = v;
  }
  return Object.keys(out).length ? (out as ShadowState) : undefined;
}

/** Metadata of the keys in `delta`. */
export function metadataOf(delta: unknown, metadata: unknown): unknown {
  if (!isObject(delta) || !isObject(metadata)) return metadata;
  return Object.fromEntries(Object.keys(delta).map((k) => [k, isObject(delta[k]) ? metadataOf(delta[k], metadata[k]) : metadata[k]]));
}

/**
 * Validates and applies an update request (`{state: {desired?, reported?}, version?}`),
 * AWS IoT's rules: state must be an object, nesting at most 6 levels, version must match.
 */
export function applyShadowUpdate(
  current: ShadowDocument | null,
  request: unknown,
  opts: { maxBytes: number; timestamp: number },
): { next: ShadowDocument; state: ShadowUpdate; metadata: object } {
  if (!isObject(request)) throw new ShadowError(400, 'Invalid JSON');
  if (!('state' in request)) throw new ShadowError(400, 'Missing required node: state');
  const state = request.state;
  if (!isObject(state)) throw new ShadowError(400, 'State node must be an object');
  for (const key of Object.keys(state)) {
    if (key !== 'desired' && key !== 'reported') throw new ShadowError(400, `Unexpected node in state: ${key}`);
    const part = state[key];
    if (part !== null && !isObject(part)) throw new ShadowError(400, `${key} node must be an object`);
  }
  // state → desired/reported → up to 6 levels (AWS IoT's limit)
  if (depthOf(state) > 6 + 1) throw new ShadowError(400, 'JSON contains too many levels of nesting; maximum is 6');
  if ('version' in request && request.version !== undefined) {
    if (typeof request.version !== 'number' || !Number.isInteger(request.version) || request.version < 0) {
      throw new ShadowError(400, 'Invalid version');
    }
    if (current && request.version !== current.version) throw new ShadowError(409, 'Version conflict');
  }
  const base: ShadowDocument = current ?? { desired: null, reported: null, metadata: {}, version: 0 };
  const next: ShadowDocument = { ...base, metadata: { ...base.metadata }, version: base.version + 1 };
  const metadata: Record<string, unknown> = {};
  for (const key of ['desired', 'reported'] as const) {
    if (!(key in state)) continue;
    const part = state[key] as Record<string, unknown> | null;
    next[key] = part === null ? null : (merge(base[key], part) as ShadowState | null);
    next.metadata[key] = part === null ? undefined : (mergeMetadata(base.metadata[key], part, opts.timestamp) as object);
    metadata[key] = part === null ? undefined : stamp(part, opts.timestamp);
  }
  const size = Buffer.byteLength(JSON.stringify({ desired: next.desired, reported: next.reported }));
  if (size > opts.maxBytes) throw new ShadowError(413, 'The payload exceeds the maximum size allowed');
  return { next, state: state as ShadowUpdate, metadata };
}

/** The `get/accepted` document: state with its delta, metadata, version. */
export function shadowView(doc: ShadowDocument) {
  const delta = deltaOf(doc.desired, doc.reported);
  return {
    state: { ...(doc.desired ? { desired: doc.desired } : {}), ...(doc.reported ? { reported: doc.reported } : {}), ...(delta ? { delta } : {}) },
    metadata: doc.metadata,
    version: doc.version,
  };
}
