import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';
import { storedSession } from './session';

// GraphiQL from the bundle (Mercurius's own page loads it from a CDN). Signed in to the console
// (this tab), its API key goes with every request and subscription; otherwise the headers editor
// starts with the Authorization header to fill in.
const session = storedSession();
const authorization = session ? `Bearer ${session.apiKey}` : undefined;
const fetcher = createGraphiQLFetcher({
  url: `${location.origin}/graphql`,
  headers: authorization ? { authorization } : undefined,
  subscriptionUrl: `${location.origin.replace(/^http/, 'ws')}/graphql`,
  wsConnectionParams: authorization ? { authorization } : undefined,
});
const defaultHeaders = authorization ? undefined : JSON.stringify({ Authorization: 'Bearer <your API key>' }, null, 2);

createRoot(document.getElementById('graphiql')!).render(<GraphiQL fetcher={fetcher} defaultHeaders={defaultHeaders} defaultQuery={'{\n  fleetSummary {\n    total\n    byAggregatedStatus { status count }\n  }\n}\n'} />);
