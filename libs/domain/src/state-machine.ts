import { DomainError } from './errors';

/** A state machine as data: for each event, which state each source state moves to. */
export type TransitionTable<S extends string, E extends string> = { readonly [K in E]: Partial<Record<S, S>> };

export class StateMachine<S extends string, E extends string> {
  constructor(
    readonly name: string,
    readonly table: TransitionTable<S, E>,
  ) {}

  /** The state `event` moves `from` to, or undefined when the event is not allowed there. */
  next(from: S, event: E): S | undefined {
    return this.table[event][from];
  }

  /** Like {@link next}, but a refused transition is a CONFLICT that says what was tried. */
  transition(from: S, event: E): S {
    const to = this.next(from, event);
    if (to === undefined) {
      throw new DomainError('INVALID_STATE_TRANSITION', `${this.name} cannot ${event.toLowerCase().replace(/_/g, ' ')} while ${from}.`, {
        from,
        event,
      });
    }
    return to;
  }

  /** The states an event may start from: the `WHERE status IN (…)` of a compare-and-set. */
  sourcesOf(event: E): S[] {
    return Object.keys(this.table[event]) as S[];
  }
}
