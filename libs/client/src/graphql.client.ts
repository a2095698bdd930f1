/** One GraphQL error as the API sends it: `extensions.code` is the category, `extensions.reason` the precise cause. */
export interface GraphqlError {
  message: string;
  extensions?: { code?: string; reason?: string; [k: string]: unknown };
}

export interface GraphqlResponse<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors?: GraphqlError[];
}

/** A call that did not answer as its caller needed, with the code, reason and message the API gave. */
export class GraphqlRequestError extends Error {
  override name = 'GraphqlRequestError';
  readonly code: string | undefined;
  readonly reason: string | undefined;
  constructor(
    readonly response: GraphqlResponse<unknown>,
    message?: string,
  ) {
    const first = response.errors?.[0];
    const code = first?.extensions?.code;
    const reason = first?.extensions?.reason;
    super(message ?? `${code ?? `HTTP ${response.status}`}${reason && reason !== code ? ` (${reason})` : ''}: ${first?.message ?? 'no data and no error in the response'}`);
    this.code = code;
    this.reason = reason;
  }
}

/** The API over HTTP as an integrator calls it: POST /graphql, the API key as a bearer token. */
export class GraphqlClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey?: string,
  ) {}

  /** The response as it came, errors included, for callers that look at them. */
  async request<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlResponse<T>> {
    const res = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    try {
      return { status: res.status, ...(JSON.parse(text) as Omit<GraphqlResponse<T>, 'status'>) };
    } catch {
      // Something other than the API answered (a proxy, a server not up yet): say what came back.
      return { status: res.status, data: null, errors: [{ message: `not a GraphQL response: ${text.slice(0, 200)}` }] };
    }
  }

  /** The data of a call that must succeed; throws GraphqlRequestError otherwise. */
  async data<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return dataOf(await this.request<T>(query, variables));
  }
}

/** The data of a response that must be a success; throws GraphqlRequestError with the API's code and reason otherwise. */
export function dataOf<T>(response: GraphqlResponse<T>): T {
  if (response.errors?.length || response.data === null || response.data === undefined) throw new GraphqlRequestError(response);
  return response.data;
}

/** The first error of a response that must be a failure; throws when it succeeded, so a missing refusal cannot pass unnoticed. */
export function errorOf(response: GraphqlResponse<unknown>): GraphqlError {
  const first = response.errors?.[0];
  if (!first) throw new GraphqlRequestError(response, `expected an error, got data: ${JSON.stringify(response.data).slice(0, 200)}`);
  return first;
}

/** The error code of a response (its first error), undefined on success. */
export const codeOf = (response: GraphqlResponse<unknown>): string | undefined => response.errors?.[0]?.extensions?.code;
