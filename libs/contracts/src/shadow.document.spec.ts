import { toRejected } from './rejected.mapping';
import { type ShadowDocument, applyShadowUpdate, deltaOf, shadowView } from './shadow.document';

const opts = { maxBytes: 8192, timestamp: 1700000000 };
const code = (fn: () => unknown) => {
  try {
    fn();
    return 'OK';
  } catch (e) {
    return toRejected('shadow', e).code;
  }
};

describe('shadow documents (AWS IoT semantics)', () => {
  it('creates, merges key by key, deletes with null, and counts versions', () => {
    const a = applyShadowUpdate(null, { state: { reported: { color: 'red', net: { eth0: 'up', eth1: 'down' } } } }, opts);
    expect(a.next).toMatchObject({ reported: { color: 'red', net: { eth0: 'up', eth1: 'down' } }, version: 1 });
    expect(a.metadata).toEqual({ reported: { color: { timestamp: 1700000000 }, net: { eth0: { timestamp: 1700000000 }, eth1: { timestamp: 1700000000 } } } });
    const b = applyShadowUpdate(a.next, { state: { reported: { net: { eth1: null }, color: 'blue' } }, version: 1 }, { ...opts, timestamp: 1700000001 });
    expect(b.next.reported).toEqual({ color: 'blue', net: { eth0: 'up' } });
    expect(b.next.version).toBe(2);
    expect(b.next.metadata.reported).toEqual({ color: { timestamp: 1700000001 }, net: { eth0: { timestamp: 1700000000 } } });
    const c = applyShadowUpdate(b.next, { state: { reported: null } }, opts);
    expect(c.next.reported).toBeNull();
  });

  it('computes the delta of desired against reported', () => {
    expect(deltaOf({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 2, d: 4 } })).toEqual({ b: { d: 3 } });
    expect(deltaOf({ a: 1 }, { a: 1 })).toBeUndefined();
    const doc: ShadowDocument = { desired: { mode: 'on' }, reported: { mode: 'off', x: 1 }, metadata: {}, version: 3 };
    expect(shadowView(doc).state).toEqual({ desired: { mode: 'on' }, reported: { mode: 'off', x: 1 }, delta: { mode: 'on' } });
  });

  it.each([
    ['not an object', 'x', 400],
    ['no state', { version: 1 }, 400],
    ['state not an object', { state: 5 }, 400],
    ['desired not an object', { state: { desired: [1] } }, 400],
    ['unknown state node', { state: { wanted: {} } }, 400],
    ['too deep', { state: { reported: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } } }, 400],
    ['non-numeric version', { state: { reported: {} }, version: 'one' }, 400],
    ['stale version', { state: { reported: { a: 1 } }, version: 0 }, 409],
    ['too large', { state: { reported: { blob: 'x'.repeat(9000) } } }, 413],
  ])('rejects %s', (_label, request, expected) => {
    const current: ShadowDocument = { desired: null, reported: { a: 0 }, metadata: {}, version: 4 };
    expect(code(() => applyShadowUpdate(current, request, opts))).toBe(expected);
  });

  it('rejects 20,000 nested objects (120 KB) with 400, not a stack overflow', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    expect(code(() => applyShadowUpdate(null, { state: { reported: deep } }, opts))).toBe(400);
    expect(() => applyShadowUpdate(null, { state: { reported: deep } }, opts)).toThrow('state: JSON contains too many levels of nesting; maximum is 6');
    const deepArrays = JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    expect(code(() => applyShadowUpdate(null, { state: { desired: { a: deepArrays } } }, opts))).toBe(400);
  });

  it('accepts exactly 6 levels of nesting', () => {
    expect(code(() => applyShadowUpdate(null, { state: { reported: { a: { b: { c: { d: { e: { f: 1 } } } } } } } }, opts))).toBe('OK');
  });
});
