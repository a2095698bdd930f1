import { DomainError } from './errors';
import { MAX_TAGS, assertDescription, assertResourceName, assertShadowName, assertTagInputs, mergeTags, removeTags } from './naming.rules';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'OK';
};

describe('resource names', () => {
  it.each(['a', 'Front-Door_1', 'x'.repeat(255), 'ABC-xyz_09'])('accepts %s', (name) => {
    expect(code(() => assertResourceName('name', name))).toBe('OK');
  });
  it.each(['', 'x'.repeat(256), 'has space', 'dot.ted', 'ünï', 'slash/y', 'semi;colon'])('refuses %j', (name) => {
    expect(code(() => assertResourceName('name', name))).toBe('VALIDATION_FAILED');
  });
  it('names the field and the rule', () => {
    expect(() => assertResourceName('name', 'a b')).toThrow('name: "a b" may only contain a-z, A-Z, 0-9, _ (underscore) and - (hyphen).');
  });
});

describe('shadow names (AWS IoT named shadows)', () => {
  it.each(['system', 'a', 'x'.repeat(64), 'app:camera_1-b'])('accepts %s', (name) => {
    expect(code(() => assertShadowName('shadowName', name))).toBe('OK');
  });
  it.each([
    ['an empty name', ''],
    ['65 characters', 'x'.repeat(65)],
    ['3,000 characters', 'x'.repeat(3000)],
    ['a space', 'has space'],
    ['a dot', 'dot.ted'],
    ['non-ASCII letters', 'ünï'],
    ['a dollar sign', '$aws'],
  ])('refuses %s', (_label, name) => {
    expect(code(() => assertShadowName('shadowName', name))).toBe('VALIDATION_FAILED');
  });
  it('names the rule, and the length rather than a very long name', () => {
    expect(() => assertShadowName('shadowName', 'a.b')).toThrow('shadowName: must be 1 to 64 of a-z, A-Z, 0-9, :, _ and - (got "a.b").');
    expect(() => assertShadowName('shadowName', 'x'.repeat(3000))).toThrow('shadowName: must be 1 to 64 of a-z, A-Z, 0-9, :, _ and - (got 3000 characters).');
  });
});

describe('descriptions', () => {
  it('allow up to 255 characters', () => {
    expect(code(() => assertDescription('description', 'd'.repeat(255)))).toBe('OK');
    expect(code(() => assertDescription('description', 'd'.repeat(256)))).toBe('VALIDATION_FAILED');
  });
});

describe('tags', () => {
  it('merge, replace and remove', () => {
    const tags = mergeTags({ site: 'a' }, [{ key: 'site', value: 'b' }, { key: 'floor' }]);
    expect(tags).toEqual({ site: 'b', floor: '' });
    expect(removeTags(tags, ['site', 'missing'])).toEqual({ floor: '' });
  });
  it(`refuse more than ${MAX_TAGS} per resource`, () => {
    const existing = Object.fromEntries(Array.from({ length: MAX_TAGS }, (_, i) => [`k${i}`, '']));
    expect(code(() => mergeTags(existing, [{ key: 'k0', value: 'x' }]))).toBe('OK');
    expect(code(() => mergeTags(existing, [{ key: 'one-more' }]))).toBe('QUOTA_EXCEEDED');
  });
  it.each([
    [[{ key: '' }]],
    [[{ key: 'k'.repeat(129) }]],
    [[{ key: 'aws:name' }]],
    [[{ key: 'k', value: 'v'.repeat(257) }]],
    [[{ key: 'k' }, { key: 'k' }]],
  ])('refuse bad input %j', (tags) => {
    expect(code(() => assertTagInputs('tags', tags))).toBe('VALIDATION_FAILED');
  });
});
