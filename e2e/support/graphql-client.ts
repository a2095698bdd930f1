export interface GraphqlResponse<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

/** A GraphQL call over real HTTP, as an integrator makes it. */
export async function gql<T = Record<string, any>>(
  baseUrl: string,
  key: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlResponse<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GraphqlResponse<T>, 'status'>;
  return { status: res.status, ...body };
}

/** The error code of a single-error response. */
export const codeOf = (r: GraphqlResponse) => r.errors?.[0]?.extensions?.code;
