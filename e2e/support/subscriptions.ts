import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws client as an integrator opens one, authenticated by API key in connection_init. */
export function subscriptionClient(baseUrl: string, key: string): Client {
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
    lazy: true,
  });
}

/** Collects the events of one subscription until `count` arrived or `ms` passed. */
export function collect(client: Client, query: string, variables: Record<string, unknown>, count: number, ms = 5000): Promise<{ events: any[]; error?: unknown }> {
  return new Promise((resolve) => {
    const events: any[] = [];
    let settled = false;
    const done = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      resolve({ events, error });
    };
    const timer = setTimeout(() => done(), ms);
    const unsubscribe = client.subscribe(
      { query, variables },
      {
        next: (v) => {
          events.push(v);
          if (events.length >= count) done();
        },
        error: (e) => done(e),
        complete: () => done(),
      },
    );
  });
}
