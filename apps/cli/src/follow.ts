import type { Context } from './context';
import type { Operation } from '@edgefleet/client';

/** Re-reads as a safety net: an event sent before the subscription was ready is never missed for long. */
const RECHECK_MS = 5_000;

/**
 * Follows items until `done` says each is finished: a subscription per item pushes changes, a
 * read at the start and every few seconds catches what it missed. Resolves with the last state of
 * each item.
 */
export async function follow<S, T, V>(
  ctx: Context,
  ids: string[],
  opts: {
    subscription: Operation<S, V>;
    variables: (id: string) => V;
    /** The item an event carries; undefined for an event about something else. */
    fromEvent: (event: S) => T | undefined;
    read: (id: string) => Promise<T>;
    done: (item: T) => boolean;
    onChange: (id: string, item: T) => void;
  },
): Promise<Map<string, T>> {
  const state = new Map<string, T>();
  return new Promise((resolve, reject) => {
    const unsubscribes: (() => void)[] = [];
    let finished = false;
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      unsubscribes.forEach((u) => u());
      if (err) reject(err);
      else resolve(state);
    };
    const seen = (id: string, item: T) => {
      if (finished) return;
      state.set(id, item);
      opts.onChange(id, item);
      if (ids.every((i) => state.has(i) && opts.done(state.get(i)!))) finish();
    };
    const readAll = () => Promise.all(ids.map(async (id) => seen(id, await opts.read(id)))).catch(finish);
    for (const id of ids) unsubscribes.push(ctx.api.subscribe(opts.subscription, opts.variables(id), (event) => {
          const item = opts.fromEvent(event);
          if (item !== undefined) seen(id, item);
        }, finish));
    // Defined before any read can finish: finish() runs only after an awaited event.
    const timer = setInterval(() => void readAll(), RECHECK_MS);
    void readAll();
  });
}
