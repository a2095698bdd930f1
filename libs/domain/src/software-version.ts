import { validationFailed } from './errors';

const VERSION = /^\d{1,9}(\.\d{1,9}){0,3}$/;

/** Panorama software versions are dotted numbers (`4.3.55`); they compare number by number. */
export function assertSoftwareVersion(field: string, version: string): void {
  if (!VERSION.test(version)) throw validationFailed(field, `"${version}" is not a version like 4.3.55 (1 to 4 dotted numbers).`);
}

export function compareSoftwareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The newest of `versions`, or undefined for none. */
export function newestSoftwareVersion(versions: readonly string[]): string | undefined {
  return versions.reduce<string | undefined>((best, v) => (best === undefined || compareSoftwareVersions(v, best) > 0 ? v : best), undefined);
}
