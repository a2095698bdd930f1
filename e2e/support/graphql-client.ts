import { GraphqlClient, type GraphqlResponse, type Operation } from '@edgefleet/client';

export { codeOf, dataOf, errorOf } from '@edgefleet/client';
export type { GraphqlResponse } from '@edgefleet/client';

/** A GraphQL call over real HTTP, as an integrator makes it (the one client, @edgefleet/client, sending each call once: tests see every refusal). */
export function gql<T = Record<string, any>, V = Record<string, unknown>>(baseUrl: string, key: string | undefined, query: Operation<T, V>, variables?: V): Promise<GraphqlResponse<T>> {
  return new GraphqlClient(baseUrl, key, { rateLimitRetries: 0 }).request<T, V>(query, variables);
}
