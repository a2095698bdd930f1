import { DomainError } from './errors';
import { cursorTimestamp, decodeCursor, encodeCursor } from './cursor.codec';

const failure = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return { reason: err.reason, code: err.code, message: err.message, details: err.details };
    throw err;
  }
  throw new Error('expected a DomainError');
};

const INVALID = { reason: 'INVALID_CURSOR', code: 'VALIDATION_FAILED', message: 'after: is not a cursor returned by this API.', details: { field: 'after' } };

describe('cursor codec', () => {
  it.each([[['2024-05-01T10:00:00.000Z', 'device-abc-3']], [['cam "a"/é', '']], [['only-one']]])('round-trips %j', (values) => {
    const token = encodeCursor(values);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/); // safe in URLs and query strings as is
    expect(decodeCursor(token, values.length, 'after')).toEqual(values);
  });

  it.each([
    ['not base64 JSON', 'garbage'],
    ['empty', ''],
    ['an object', Buffer.from(JSON.stringify({ v: 'a', id: 'b' })).toString('base64url')],
    ['too few values', encodeCursor(['a'])],
    ['too many values', encodeCursor(['a', 'b', 'c'])],
    ['a value not a string', Buffer.from(JSON.stringify(['a', 1])).toString('base64url')],
    ['null', Buffer.from('null').toString('base64url')],
    ['padding and stray characters', `${encodeCursor(['a', 'b'])}==`],
    ['JSON not written by the codec', Buffer.from('[ "a", "b" ]').toString('base64url')],
  ])('refuses %s as INVALID_CURSOR on the argument', (_, token) => {
    expect(failure(() => decodeCursor(token, 2, 'after'))).toEqual(INVALID);
  });

  it('names the argument the cursor came in', () => {
    expect(failure(() => decodeCursor('x', 2, 'before'))).toMatchObject({ reason: 'INVALID_CURSOR', details: { field: 'before' } });
  });

  it('accepts timestamps as toISOString writes them, and nothing else', () => {
    const at = new Date('2024-05-01T10:00:00.123Z').toISOString();
    expect(cursorTimestamp(at, 'after')).toBe(at);
    for (const v of ['', 'yesterday', '1', '2024-05-01', '2024-05-01T10:00:00Z', '2024-13-01T10:00:00.000Z', "2024-05-01T10:00:00.000Z'; --"]) {
      expect([v, failure(() => cursorTimestamp(v, 'after'))]).toEqual([v, INVALID]);
    }
  });
});
