import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { type Client, createClient } from 'graphql-ws';

/** A document from operations.graphql (its result and variables typed), or a query string. */
export type Operation<R, V> = (DocumentTypeDecoration<R, V> & { toString(): string }) | string;

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

export interface ClientOptions {
  /**
   * How many times a call refused with RATE_LIMITED is sent again, each after the `retryAfterMs`
   * the API gave (5 by default; 0 shows every refusal, as a raw HTTP caller sees it).
   */
  rateLimitRetries?: number;
}

/** Longest wait for a retry the client accepts: the API's buckets refill within seconds; more means retry later, by hand. */
const MAX_RETRY_WAIT_MS = 15_000;

/** How long the API asked a rate-limited call to wait, if it is one. */
export function retryAfterOf(response: GraphqlResponse<unknown>): number | undefined {
  const ext = response.errors?.[0]?.extensions;
  return ext?.code === 'RATE_LIMITED' && typeof ext.retryAfterMs === 'number' && ext.retryAfterMs <= MAX_RETRY_WAIT_MS ? ext.retryAfterMs : undefined;
}

/**
 * The API as an integrator calls it: POST /graphql with the API key as a bearer token, and
 * subscriptions over graphql-ws with the key in connection_init. Works in Node and in browsers.
 * A call over the key's rate waits as long as the API says and is sent again (bounded), so the
 * product's own tools never show RATE_LIMITED under normal use.
 */
export class GraphqlClient {
  private ws?: Client;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey?: string,
    private readonly options: ClientOptions = {},
  ) {}

  /** The response as it came (after any retries over the rate), errors included, for callers that look at them. */
  async request<T = Record<string, any>, V = Record<string, unknown>>(query: Operation<T, V>, variables?: V): Promise<GraphqlResponse<T>> {
    const retries = this.options.rateLimitRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      const response = await this.send<T, V>(query, variables);
      const wait = retryAfterOf(response);
      if (wait === undefined || attempt >= retries) return response;
      // A little later than asked, and not all at once, when several calls were refused together.
      await new Promise((r) => setTimeout(r, wait + Math.random() * 100));
    }
  }

  private async send<T, V>(query: Operation<T, V>, variables?: V): Promise<GraphqlResponse<T>> {
    const res = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
      body: JSON.stringify({ query: query.toString(), variables: variables ?? {} }),
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
  async data<T = Record<string, any>, V = Record<string, unknown>>(query: Operation<T, V>, variables?: V): Promise<T> {
    return dataOf(await this.request<T, V>(query, variables));
  }

  /**
   * Each event of a subscription, until the returned function is called; `onError` gets a refusal
   * (bad key, unknown id) or a lost connection as a GraphqlRequestError.
   */
  subscribe<T, V>(query: Operation<T, V>, variables: V, onData: (data: T) => void, onError: (err: Error) => void = () => undefined): () => void {
    this.ws ??= createClient({
      url: `${this.baseUrl.replace(/^http/, 'ws')}/graphql`,
      connectionParams: this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {},
      lazy: true,
      retryAttempts: 5,
    });
    return this.ws.subscribe<T>(
      { query: query.toString(), variables: variables as Record<string, unknown> },
      {
        next: (r) => (r.errors?.length ? onError(new GraphqlRequestError({ status: 200, data: null, errors: r.errors as GraphqlError[] })) : r.data && onData(r.data as T)),
        error: (e) => onError(e instanceof Error ? e : closeError(e)),
        complete: () => undefined,
      },
    );
  }

  /** Closes the subscription connection, if one was opened. */
  async close(): Promise<void> {
    await this.ws?.dispose();
    this.ws = undefined;
  }
}

/**
 * A graphql-ws close event as an error: the api closes with 4401/4403 when connection_init
 * carries no valid key (UNAUTHENTICATED, like HTTP 401); anything else is a lost connection (status 0).
 */
function closeError(e: unknown): GraphqlRequestError {
  const close = e as { code?: number; reason?: string };
  if (close?.code === 4401 || close?.code === 4403) {
    return new GraphqlRequestError({ status: 401, data: null, errors: [{ message: `the api refused the subscription (${close.code}${close.reason ? `: ${close.reason}` : ''}): send a valid API key`, extensions: { code: 'UNAUTHENTICATED' } }] });
  }
  const message = close?.code ? `subscription closed (${close.code}${close.reason ? `: ${close.reason}` : ''})` : 'subscription failed: the connection to the api was lost';
  return new GraphqlRequestError({ status: 0, data: null, errors: [{ message }] });
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
