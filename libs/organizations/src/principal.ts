import type { ApiKeyRole } from '@edgefleet/domain';

/** Who is calling: an API key of one organization, with its role. */
export interface Principal {
  apiKeyId: string;
  organizationId: string;
  role: ApiKeyRole;
}

/** The actor string recorded in audit and event rows. */
export const actorOf = (p: Principal) => `apiKey:${p.apiKeyId}`;
