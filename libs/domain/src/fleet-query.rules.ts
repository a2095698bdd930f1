import { DomainError } from './errors';
import { compareSoftwareVersions } from './software-version';

/**
 * Dynamic thing groups' queries, in AWS IoT fleet indexing's query syntax where it fits:
 * `field:value` terms (`*` and `?` wildcards, "quoted values", `field:*` for "has it"), ranges
 * `field:[a TO b]` / `field:{a TO b}`, comparisons `field>v` `field>=v` `field<v` `field<=v`,
 * AND, OR, NOT and parentheses; terms side by side are ANDed, as in AWS IoT.
 *
 * Fields: `thingName` (the deviceId), `deviceName`, `attributes.<key>` and `tags.<key>` (the
 * device's tags), `softwareVersion`, `deviceType`, `brand`, `provisioningStatus`,
 * `connectivity.connected` (true|false) and `connectivity.status` (the connection status).
 */

/** What a query sees of a device. */
export interface GroupSubject {
  deviceId: string;
  name: string;
  type: string;
  brand: string;
  currentSoftware: string | null;
  provisioningStatus: string;
  deviceConnectionStatus: string;
  tags: Record<string, string>;
}

type Term =
  | { kind: 'match'; field: string; pattern: string | null /* null: field:* */ }
  | { kind: 'compare'; field: string; op: '>' | '>=' | '<' | '<='; value: string }
  | { kind: 'range'; field: string; low: string; high: string; inclusive: [boolean, boolean] };
export type FleetQuery = Term | { kind: 'and'; of: FleetQuery[] } | { kind: 'or'; of: FleetQuery[] } | { kind: 'not'; of: FleetQuery };

export const MAX_QUERY_LENGTH = 1000;
const SCALAR_FIELDS = new Set(['thingName', 'deviceName', 'softwareVersion', 'deviceType', 'brand', 'provisioningStatus', 'connectivity.connected', 'connectivity.status']);
const FIELD = /^(?:attributes|tags)\.[\w.:/@+=-]{1,128}$/;

const invalid = (message: string) => new DomainError('INVALID_FLEET_QUERY', `Invalid query string: ${message}`);

function assertField(field: string): void {
  if (!SCALAR_FIELDS.has(field) && !FIELD.test(field)) {
    throw invalid(`unknown field "${field.slice(0, 100)}" (use thingName, deviceName, attributes.<key>, tags.<key>, softwareVersion, deviceType, brand, provisioningStatus, connectivity.connected or connectivity.status).`);
  }
}

type Token = { t: '(' | ')' | 'AND' | 'OR' | 'NOT' } | { t: 'term'; term: Term };

/** A value: "quoted" (with \" and \\ escapes) or bare up to whitespace or a parenthesis. */
function readValue(s: string, i: number): [string, number] {
  if (s[i] === '"') {
    let out = '';
    for (let j = i + 1; j < s.length; j++) {
      if (s[j] === '\\' && j + 1 < s.length) out += s[++j];
      else if (s[j] === '"') return [out, j + 1];
      else out += s[j];
    }
    throw invalid('a quoted value is not closed.');
  }
  let j = i;
  while (j < s.length && !/[\s()]/.test(s[j])) j++;
  if (j === i) throw invalid(`a value is missing at position ${i}.`);
  return [s.slice(i, j), j];
}

function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    if (/\s/.test(s[i])) {
      i++;
      continue;
    }
    if (s[i] === '(' || s[i] === ')') {
      tokens.push({ t: s[i] as '(' | ')' });
      i++;
      continue;
    }
    const word = /^(AND|OR|NOT)(?=[\s()]|$)/.exec(s.slice(i));
    if (word) {
      tokens.push({ t: word[1] as 'AND' | 'OR' | 'NOT' });
      i += word[1].length;
      continue;
    }
    const head = /^([A-Za-z][\w.:/@+=-]*?)(:|>=|<=|>|<)/.exec(s.slice(i));
    if (!head) throw invalid(`expected field:value at position ${i} ("${s.slice(i, i + 30)}").`);
    const [, field, op] = head;
    assertField(field);
    i += head[0].length;
    if (op !== ':') {
      const [value, next] = readValue(s, i);
      tokens.push({ t: 'term', term: { kind: 'compare', field, op: op as '>' | '>=' | '<' | '<=', value } });
      i = next;
    } else if (s[i] === '[' || s[i] === '{') {
      const range = /^([[{])\s*(\S+)\s+TO\s+([^\]}\s]+)\s*([\]}])/.exec(s.slice(i));
      if (!range) throw invalid(`a range is written ${field}:[low TO high] (at position ${i}).`);
      tokens.push({ t: 'term', term: { kind: 'range', field, low: range[2], high: range[3], inclusive: [range[1] === '[', range[4] === ']'] } });
      i += range[0].length;
    } else {
      const quoted = s[i] === '"';
      const [value, next] = readValue(s, i);
      tokens.push({ t: 'term', term: { kind: 'match', field, pattern: value === '*' && !quoted ? null : quoted ? value.replace(/[*?\\]/g, '\\$&') : value } });
      i = next;
    }
  }
  return tokens;
}

/** Parses a query string, or throws INVALID_QUERY saying what is wrong. */
export function parseFleetQuery(query: string): FleetQuery {
  if (typeof query !== 'string' || query.trim() === '') throw invalid('it is empty.');
  if (query.length > MAX_QUERY_LENGTH) throw invalid(`it is longer than ${MAX_QUERY_LENGTH} characters.`);
  const tokens = tokenize(query);
  let at = 0;
  const peek = () => tokens[at]?.t;
  const or = (): FleetQuery => {
    const of = [and()];
    while (peek() === 'OR') {
      at++;
      of.push(and());
    }
    return of.length === 1 ? of[0] : { kind: 'or', of };
  };
  const and = (): FleetQuery => {
    const of = [unary()];
    for (;;) {
      if (peek() === 'AND') at++;
      else if (peek() !== 'term' && peek() !== 'NOT' && peek() !== '(') break;
      of.push(unary());
    }
    return of.length === 1 ? of[0] : { kind: 'and', of };
  };
  const unary = (): FleetQuery => {
    const token = tokens[at++];
    if (!token) throw invalid('it ends where a term is expected.');
    if (token.t === 'NOT') return { kind: 'not', of: unary() };
    if (token.t === '(') {
      const inner = or();
      if (tokens[at++]?.t !== ')') throw invalid('a parenthesis is not closed.');
      return inner;
    }
    if (token.t === 'term') return token.term;
    throw invalid(`unexpected ${token.t}.`);
  };
  const q = or();
  if (at < tokens.length) throw invalid(`unexpected ${tokens[at].t === 'term' ? 'term' : tokens[at].t} after a complete query.`);
  return q;
}

/** Whether the query reads the connection status (then presence changes re-evaluate devices). */
export function readsConnectivity(q: FleetQuery): boolean {
  if (q.kind === 'and' || q.kind === 'or') return q.of.some(readsConnectivity);
  if (q.kind === 'not') return readsConnectivity(q.of);
  return q.field.startsWith('connectivity.');
}

function valueOf(d: GroupSubject, field: string): string | undefined {
  switch (field) {
    case 'thingName':
      return d.deviceId;
    case 'deviceName':
      return d.name;
    case 'softwareVersion':
      return d.currentSoftware ?? undefined;
    case 'deviceType':
      return d.type;
    case 'brand':
      return d.brand;
    case 'provisioningStatus':
      return d.provisioningStatus;
    case 'connectivity.connected':
      return String(d.deviceConnectionStatus === 'ONLINE');
    case 'connectivity.status':
      return d.deviceConnectionStatus;
    default:
      return Object.hasOwn(d.tags, field.slice(field.indexOf('.') + 1)) ? d.tags[field.slice(field.indexOf('.') + 1)] : undefined;
  }
}

const escapeRegExp = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `*` any run of characters, `?` one, a backslash makes the next character itself. */
function wildcard(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) re += escapeRegExp(pattern[++i]);
    else re += c === '*' ? '.*' : c === '?' ? '.' : escapeRegExp(c);
  }
  return new RegExp(`^${re}$`, 's');
}

/** Numbers compare as numbers, software versions as versions, anything else as strings. */
function compare(field: string, a: string, b: string): number {
  if (field === 'softwareVersion') return compareSoftwareVersions(a, b);
  const [x, y] = [Number(a), Number(b)];
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether the device matches the query. */
export function matchesFleetQuery(q: FleetQuery, d: GroupSubject): boolean {
  switch (q.kind) {
    case 'and':
      return q.of.every((x) => matchesFleetQuery(x, d));
    case 'or':
      return q.of.some((x) => matchesFleetQuery(x, d));
    case 'not':
      return !matchesFleetQuery(q.of, d);
  }
  const v = valueOf(d, q.field);
  if (v === undefined) return false;
  if (q.kind === 'match') return q.pattern === null || wildcard(q.pattern).test(v);
  if (q.kind === 'compare') {
    const c = compare(q.field, v, q.value);
    return q.op === '>' ? c > 0 : q.op === '>=' ? c >= 0 : q.op === '<' ? c < 0 : c <= 0;
  }
  const low = compare(q.field, v, q.low);
  const high = compare(q.field, v, q.high);
  return (q.inclusive[0] ? low >= 0 : low > 0) && (q.inclusive[1] ? high <= 0 : high < 0);
}
