import { z } from 'zod';
import { DomainError } from './errors';

/** Per-organization limits: defaults from configuration (Panorama's), overridable per organization. */
export const quotasSchema = z.object({
  devices: z.number().int().positive(),
  requestsPerSecond: z.number().int().positive(),
  mutationsPerSecond: z.number().int().positive(),
  /** How many requests (mutations) a key may make at once before its rate applies: AWS's quotas are a rate and a burst. */
  requestBurst: z.number().int().positive(),
  mutationBurst: z.number().int().positive(),
  applicationsPerDevice: z.number().int().positive(),
  streamsPerApplication: z.number().int().positive(),
  deploymentsPerDevicePerDay: z.number().int().positive(),
  packages: z.number().int().positive(),
  versionsPerPackage: z.number().int().positive(),
});
export type Quotas = z.infer<typeof quotasSchema>;

/** Defaults, then the organization's own overrides (ignoring malformed ones). */
export function resolveQuotas(defaults: Quotas, overrides: unknown): Quotas {
  const parsed = quotasSchema.partial().safeParse(overrides);
  return { ...defaults, ...(parsed.success ? parsed.data : {}) };
}

export function assertWithinQuota(what: string, used: number, adding: number, limit: number): void {
  if (used + adding > limit) {
    throw new DomainError(
      'QUOTA_EXCEEDED',
      `The organization has ${used} ${what} and may have at most ${limit}; delete some or ask for a higher quota.`,
      { limit, used },
    );
  }
}
