import { z } from 'zod';
import { DomainError } from '@edgefleet/domain';
import { parseBody } from './payload';
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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether objects and arrays in `v` nest more than `max` levels. Iterative, and it stops at the
 * first node past the limit: a 120 KB payload can nest 20,000 levels, deeper than the call stack.
 */
function nestsDeeperThan(v: unknown, max: number): boolean {
  const pending: [node: unknown, depth: number][] = [[v, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
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

const stateNode = z.record(z.string(), z.unknown(), { error: 'must be an object (or null to delete it)' }).nullable().optional();

/**
 * An update request (`{state: {desired?, reported?}, version?}`) by AWS IoT's rules; the SDK's
 * repeated topic parameters and the clientToken are not part of it.
 */
export const shadowUpdateRequest = z.object({
  state: z
    .strictObject(
      { desired: stateNode, reported: stateNode },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unexpected node: ${issue.keys[0]}` : issue.input === undefined ? 'Missing required node' : 'must be an object') },
    )
    // state → desired/reported → up to 6 levels (AWS IoT's limit)
    .refine((state) => !nestsDeeperThan(state, 6 + 1), 'JSON contains too many levels of nesting; maximum is 6'),
  version: z.int({ error: 'must be a non-negative integer' }).min(0, { error: 'must be a non-negative integer' }).optional(),
});

/**
 * Validates and applies an update request, AWS IoT's rules: state must be an object, nesting
 * at most 6 levels, version must match, the document must fit in `maxBytes`. Checked here, not
 * only at the gateway, because operators' desired updates come this way too.
 */
export function applyShadowUpdate(
  current: ShadowDocument | null,
  request: unknown,
  opts: { maxBytes: number; timestamp: number },
): { next: ShadowDocument; state: ShadowUpdate; metadata: object } {
  const { state, version } = parseBody(shadowUpdateRequest, request);
  if (version !== undefined && current && version !== current.version) throw new DomainError('VERSION_CONFLICT', 'Version conflict');
  const base: ShadowDocument = current ?? { desired: null, reported: null, metadata: {}, version: 0 };
  const next: ShadowDocument = { ...base, metadata: { ...base.metadata }, version: base.version + 1 };
  const metadata: Record<string, unknown> = {};
  for (const key of ['desired', 'reported'] as const) {
    const part = state[key];
    if (part === undefined) continue;
    next[key] = part === null ? null : (merge(base[key], part) as ShadowState | null);
    next.metadata[key] = part === null ? undefined : (mergeMetadata(base.metadata[key], part, opts.timestamp) as object);
    metadata[key] = part === null ? undefined : stamp(part, opts.timestamp);
  }
  const size = Buffer.byteLength(JSON.stringify({ desired: next.desired, reported: next.reported }));
  if (size > opts.maxBytes) {
    throw new DomainError('PAYLOAD_TOO_LARGE', `The payload exceeds the maximum size allowed: the state would be ${size} bytes, and a shadow holds ${opts.maxBytes} bytes of desired and reported state.`, { limit: opts.maxBytes });
  }
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
