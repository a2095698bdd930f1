import { assertSoftwareVersion, compareSoftwareVersions, newestSoftwareVersion } from './software-version';

describe('software versions', () => {
  it.each([
    ['4.3.55', '4.3.45', 1],
    ['4.3.45', '4.3.55', -1],
    ['10.0.0', '9.9.9', 1],
    ['5.0', '5.0.0', 0],
    ['8.0.29', '7.0.13', 1],
  ])('%s vs %s = %i', (a, b, expected) => {
    expect(compareSoftwareVersions(a, b)).toBe(expected);
  });
  it('finds the newest numerically, not as text', () => {
    expect(newestSoftwareVersion(['4.3.9', '4.3.10', '4.2.99'])).toBe('4.3.10');
    expect(newestSoftwareVersion([])).toBeUndefined();
  });
  it.each(['4.3.x', '', 'v1', '1..2', '1.2.3.4.5'])('refuses %j', (v) => {
    expect(() => assertSoftwareVersion('imageVersion', v)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
