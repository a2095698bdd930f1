import model from './panorama-2019-07-24.json';

/**
 * The Panorama service model (botocore's copy, vendored) read as data: each operation's
 * HTTP binding, and a validator and serializer driven by its shapes, so wire details
 * (paths, query names and their case, patterns, timestamps) come from the model and are
 * not written again by hand.
 */
export interface Member {
  shape: string;
  location?: 'uri' | 'querystring' | 'header';
  locationName?: string;
}
export interface Shape {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'boolean' | 'timestamp' | 'blob';
  members?: Record<string, Member>;
  required?: string[];
  member?: Member;
  key?: Member;
  value?: Member;
  enum?: string[];
  pattern?: string;
  min?: number;
  max?: number;
}
export interface Operation {
  name: string;
  method: string;
  requestUri: string;
  input?: string;
  output?: string;
}

const shapes = model.shapes as unknown as Record<string, Shape>;
export const OPERATIONS: Operation[] = Object.entries(model.operations).map(([name, op]) => ({
  name,
  method: op.http.method,
  requestUri: op.http.requestUri,
  input: (op as { input?: { shape: string } }).input?.shape,
  output: (op as { output?: { shape: string } }).output?.shape,
}));

export const shape = (name: string): Shape => shapes[name];

/** `/devices/{DeviceId}` as a Fastify route. */
export const routeOf = (requestUri: string) => requestUri.replace(/\{([A-Za-z]+)\+?\}/g, ':$1');

export interface Problem {
  name: string;
  message: string;
}

const patterns = new Map<string, RegExp>();
const regex = (pattern: string) => patterns.get(pattern) ?? patterns.set(pattern, new RegExp(pattern, 's')).get(pattern)!;

/** Every way `value` breaks `shapeName` (required members, types, lengths, patterns, enums), named by path. */
export function validate(shapeName: string, value: unknown, path: string, problems: Problem[] = []): Problem[] {
  const s = shapes[shapeName];
  const fail = (message: string) => problems.push({ name: path, message });
  if (value === undefined || value === null) return problems;
  switch (s.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return (fail('must be an object'), problems);
      const v = value as Record<string, unknown>;
      for (const r of s.required ?? []) if (v[r] === undefined || v[r] === null) problems.push({ name: join(path, r), message: 'is required' });
      for (const [m, member] of Object.entries(s.members ?? {})) validate(member.shape, v[m], join(path, m), problems);
      break;
    }
    case 'list':
      if (!Array.isArray(value)) return (fail('must be a list'), problems);
      length(s, value.length, 'items', fail);
      value.forEach((item, i) => validate(s.member!.shape, item, `${path}[${i}]`, problems));
      break;
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) return (fail('must be an object'), problems);
      length(s, Object.keys(value).length, 'entries', fail);
      for (const [k, v] of Object.entries(value)) {
        validate(s.key!.shape, k, `${path}.key`, problems);
        validate(s.value!.shape, v, `${path}.${k}`, problems);
      }
      break;
    case 'string':
      if (typeof value !== 'string') return (fail('must be a string'), problems);
      length(s, [...value].length, 'characters', fail);
      if (s.enum && !s.enum.includes(value)) fail(`must be one of ${s.enum.join(', ')}`);
      else if (s.pattern && !regex(s.pattern).test(value)) fail(`must match ${s.pattern}`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) return (fail('must be an integer'), problems);
      if (s.min !== undefined && (value as number) < s.min) fail(`must be at least ${s.min}`);
      if (s.max !== undefined && (value as number) > s.max) fail(`must be at most ${s.max}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail('must be true or false');
      break;
    default:
      break;
  }
  return problems;
}

function length(s: Shape, n: number, unit: string, fail: (m: string) => void) {
  if (s.min !== undefined && n < s.min) fail(`must have at least ${s.min} ${unit}`);
  if (s.max !== undefined && n > s.max) fail(`must have at most ${s.max} ${unit}`);
}

const join = (path: string, member: string) => (path ? `${path}.${member}` : member);

/**
 * The operation's input from its HTTP parts: URI labels, query parameters (by their
 * locationName, whose case differs between operations) and the JSON body. Query strings
 * become the member's type; a value that cannot is left as it is, for validate to name.
 */
export function readInput(inputShape: string | undefined, parts: { params: Record<string, string>; query: Record<string, string | string[]>; body: Record<string, unknown> }): Record<string, unknown> {
  if (!inputShape) return {};
  const input: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(shapes[inputShape].members ?? {})) {
    const raw = member.location === 'uri' ? parts.params[member.locationName!] : member.location === 'querystring' ? parts.query[member.locationName!] : member.location ? undefined : parts.body[name];
    if (raw === undefined) continue;
    input[name] = member.location ? fromString(shapes[member.shape], raw as string | string[]) : raw;
  }
  return input;
}

function fromString(s: Shape, raw: string | string[]): unknown {
  const one = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (s.type === 'list') return Array.isArray(raw) ? raw : [raw];
  if (s.type === 'integer') return /^-?\d+$/.test(one) ? Number(one) : one;
  if (s.type === 'boolean') return one === 'true' ? true : one === 'false' ? false : one;
  return one;
}

/** `deviceId` for `DeviceId`, `otaJobConfig` for `OTAJobConfig`: how our objects name the model's members. */
/** Our rows' names for the model's timestamps. */
const ALIASES: Record<string, string> = { CreatedTime: 'createdAt', LastUpdatedTime: 'updatedAt' };

export const camel = (member: string) => member.replace(/^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/, (m) => m.toLowerCase());

/** An input structure with our names (`Ethernet0.StaticIpConnectionInfo.IpAddress` as `ethernet0.staticIpConnectionInfo.ipAddress`). */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), camelKeys(v)]));
}

/**
 * Our value as the model's output shape: members looked up by their own name or its camel
 * case, timestamps as epoch seconds, tag lists as maps, blobs as base64, members the
 * shape does not define left out.
 */
export function serialize(shapeName: string, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  const s = shapes[shapeName];
  switch (s.type) {
    case 'structure': {
      const v = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [m, member] of Object.entries(s.members ?? {})) {
        if (member.location) continue;
        // A member set under the model's own name (even to undefined) wins over ours.
        const got = serialize(member.shape, m in v ? v[m] : (v[camel(m)] ?? (ALIASES[m] ? v[ALIASES[m]] : undefined)));
        if (got !== undefined) out[m] = got;
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) throw new Error(`serialize: ${shapeName} must be a list`);
      return value.map((item) => serialize(s.member!.shape, item));
    case 'map':
      // Our tags are [{key, value}]; the model's are a map.
      if (Array.isArray(value)) return Object.fromEntries(value.map((t: { key: string; value?: string | null }) => [t.key, t.value ?? '']));
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, serialize(s.value!.shape, v)]));
    case 'timestamp':
      return (value instanceof Date ? value : new Date(value as string)).getTime() / 1000;
    case 'blob':
      return Buffer.isBuffer(value) ? value.toString('base64') : value;
    default:
      return value;
  }
}
