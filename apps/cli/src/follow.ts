import { GraphqlRequestError, type Operation } from '@edgefleet/client';
import type { Context } from './context';

/** Re-reads as a safety net: an event sent before the subscription was ready is never missed for long. */
const RECHECK_MS = 5_000;
/** Refusals that a later read cannot fix (a re-read failing for any other reason is tried again). */
const FINAL = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']);

const refused = (err: unknown) => err instanceof GraphqlRequestError && FINAL.has(err.code ?? '');

/**
 * Follows items until `done` says each is finished: a subscription per item pushes changes, a
 * read at the start and every few seconds catches what it missed. Resolves with the last state of
 * each item; a refusal (bad key, unknown id) rejects.
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
  if (ids.length === 0) return state;
  return new Promise((resolve, reject) => {
    const unsubscribes: (() => void)[] = [];
    let finished = false;
    let reading = false;
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
      const known = state.get(id);
      if (known !== undefined && opts.done(known) && !opts.done(item)) return; // a read that left before the end never undoes it
      state.set(id, item);
      opts.onChange(id, item);
      if (ids.every((i) => state.has(i) && opts.done(state.get(i)!))) finish();
    };
    const readAll = async (first: boolean) => {
      if (reading) return; // the last re-read is still on its way
      reading = true;
      try {
        await Promise.all(ids.map(async (id) => seen(id, await opts.read(id))));
      } catch (err) {
        if (first || refused(err)) finish(err as Error);
      } finally {
        reading = false;
      }
    };
    for (const id of ids) {
      unsubscribes.push(
        ctx.api.subscribe(
          opts.subscription,
          opts.variables(id),
          (event) => {
            const item = opts.fromEvent(event);
            if (item !== undefined) seen(id, item);
          },
          // A refusal ends the follow; a lost subscription leaves the re-reads to carry on alone.
          (err) => (refused(err) ? finish(err) : undefined),
        ),
      );
    }
    // Defined before any read can finish: finish() runs only after an awaited event.
    const timer = setInterval(() => void readAll(false), RECHECK_MS);
    void readAll(true);
  });
}
