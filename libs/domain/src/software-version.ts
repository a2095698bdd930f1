/** Whether a device on `current` (none reported yet: behind) needs an update to run what needs `required`. */
export const behindVersion = (current: string | null, required: string): boolean => current === null || compareSoftwareVersions(current, required) < 0;

/** Panorama software versions are dotted numbers (`4.3.55`); they compare number by number. */
export function compareSoftwareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
