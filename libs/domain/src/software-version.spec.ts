import { compareSoftwareVersions } from './software-version';

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
});
