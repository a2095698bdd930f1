import { GraphqlClient, type GraphqlResponse } from '@edgefleet/client';

export { codeOf, dataOf, errorOf } from '@edgefleet/client';
export type { GraphqlResponse } from '@edgefleet/client';

/** A GraphQL call over real HTTP, as an integrator makes it (the one client, @edgefleet/client). */
export function gql<T = Record<string, any>>(baseUrl: string, key: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<GraphqlResponse<T>> {
  return new GraphqlClient(baseUrl, key).request<T>(query, variables);
}
