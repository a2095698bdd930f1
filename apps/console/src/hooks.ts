import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { GraphqlClient, Operation } from '@edgefleet/client';
import type { Session } from './session';

export const SessionContext = createContext<{ session: Session; api: GraphqlClient } | null>(null);

export function useSession() {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in console');
  return value;
}

export interface Loaded<T> {
  data?: T;
  error?: string;
  loading: boolean;
  reload: () => void;
}

/** The data of a query, read again when `variables` change or `reload` is called. */
export function useQuery<T, V>(operation: Operation<T, V>, variables: V): Loaded<T> {
  const { api } = useSession();
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    api.data(operation, variables).then(
      (data) => current && setState({ data, loading: false }),
      (err: Error) => current && setState((s) => ({ ...s, error: err.message, loading: false })),
    );
    return () => void (current = false);
  }, [api, operation, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Calls `onData` for each event of a subscription while the component is mounted. */
export function useSubscription<T, V>(operation: Operation<T, V>, variables: V | null, onData: (data: T) => void): void {
  const { api } = useSession();
  const handler = useRef(onData);
  handler.current = onData;
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (variables === null) return;
    return api.subscribe(operation, variables, (d) => handler.current(d));
  }, [api, operation, key]);
}

/** Runs a mutation for a button: `busy` while it runs, `error` if the api refused. */
export function useAction() {
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = useCallback(
    async <T, V>(operation: Operation<T, V>, variables: V): Promise<T | undefined> => {
      setBusy(true);
      setError(undefined);
      try {
        return await api.data(operation, variables);
      } catch (err) {
        setError((err as Error).message);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [api],
  );
  return { run, busy, error };
}

/** The route in the URL's hash (`#/devices/device-…`), as path segments. */
export function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
