import type { StateMachine } from '@edgefleet/domain';
import { Prisma } from './generated/client';
import type { PrismaService, Tx } from './prisma.service';

/** Where a state machine's status lives, and where its event rows go. */
export interface MachineTable<S extends string, E extends string> {
  machine: StateMachine<S, E>;
  table: string;
  key: string;
  column: string;
  /** The Postgres enum type of the column. */
  enumType: string;
  /** The event table, its key column, and the `field` value for tables that record several machines; none where the row itself records the change (`revokedAt`). */
  events?: { table: string; key: string; field?: string };
  /** Assignments every move makes (versions, timestamps). */
  always?: Prisma.Sql[];
}

export interface TransitionRequest<E extends string> {
  event: E;
  /** The rows to move, over the alias `t`; the primitive adds `status IN (sources of the event)`. */
  where: Prisma.Sql;
  actor: string;
  /** The event rows' reason: a value, or an expression over the moved row `t` (its new values). */
  reason?: string | null | Prisma.Sql;
  /** Further assignments; they may read `sel."from"` and `sel."to"` (text). */
  set?: Prisma.Sql[];
  orderBy?: Prisma.Sql;
  limit?: number;
  /** Leave rows other transactions hold (set-based sweeps by several workers). */
  skipLocked?: boolean;
  /** Columns of the moved rows to return (over `t`); `from` and `to` are always returned. */
  returning?: Prisma.Sql;
  /** More CTE steps after `moved`, e.g. outbox rows for the moved rows. */
  then?: Prisma.Sql[];
}

export interface Moved<S extends string> {
  from: S;
  to: S;
}

/** `CASE <expr> WHEN k THEN v … [ELSE fallback] END` from a map: how a table's per-state values become SQL. */
export function caseOf(expr: Prisma.Sql, map: Record<string, Prisma.Sql | string | null>, fallback?: Prisma.Sql): Prisma.Sql {
  const whens = Object.entries(map).map(([k, v]) => Prisma.sql`WHEN ${k} THEN ${v === null || typeof v === 'string' ? Prisma.sql`${v}` : v}`);
  return Prisma.sql`CASE ${expr} ${Prisma.join(whens, ' ')} ${fallback ? Prisma.sql`ELSE ${fallback}` : Prisma.empty} END`;
}

const ident = (name: string) => Prisma.raw(`"${name.replace(/"/g, '""')}"`);

/**
 * The one set-based compare-and-set of a state machine: it moves the selected rows whose
 * status the event may start from (the `WHERE status IN (…)` comes from the table), to the
 * state the table says, writes one event row per change and any further steps (outbox rows)
 * in the same statement, and returns the rows as they are now.
 */
export async function transition<S extends string, E extends string, R extends object = object>(
  db: PrismaService | Tx,
  spec: MachineTable<S, E>,
  req: TransitionRequest<E>,
): Promise<(R & Moved<S>)[]> {
  const pairs = spec.machine.sourcesOf(req.event).map((from) => Prisma.sql`(${from}, ${spec.machine.next(from, req.event)!})`);
  if (pairs.length === 0) return [];
  const [table, key, column] = [ident(spec.table), ident(spec.key), ident(spec.column)];
  const reason = req.reason === undefined || req.reason === null || typeof req.reason === 'string' ? Prisma.sql`${req.reason ?? null}::text` : req.reason;
  const sets = [Prisma.sql`${column} = sel."to"::${Prisma.raw(`"${spec.enumType}"`)}`, ...(spec.always ?? []), ...(req.set ?? [])];
  const events = spec.events;
  const field = events?.field;
  return db.$queryRaw<(R & Moved<S>)[]>`
    WITH tr("from", "to") AS (VALUES ${Prisma.join(pairs)}),
    sel AS (
      SELECT t.${key} AS k, tr."from", tr."to" FROM ${table} t JOIN tr ON tr."from" = t.${column}::text
      WHERE ${req.where} ${req.orderBy ? Prisma.sql`ORDER BY ${req.orderBy}` : Prisma.empty} ${req.limit ? Prisma.sql`LIMIT ${req.limit}` : Prisma.empty}
      FOR UPDATE OF t ${req.skipLocked ? Prisma.sql`SKIP LOCKED` : Prisma.empty}
    ), moved AS (
      UPDATE ${table} t SET ${Prisma.join(sets)} FROM sel WHERE t.${key} = sel.k
      RETURNING t.*, sel."from" AS "from$", sel."to" AS "to$", ${reason} AS "reason$"
    ) ${
      events
        ? Prisma.sql`, ev AS (
      INSERT INTO ${ident(events.table)} (${ident(events.key)}, ${field ? Prisma.sql`field, ` : Prisma.empty}"from", "to", actor, reason)
      SELECT ${key}, ${field ? Prisma.sql`${field}, ` : Prisma.empty}"from$", "to$", ${req.actor}, "reason$" FROM moved WHERE "from$" <> "to$")`
        : Prisma.empty
    } ${req.then?.length ? Prisma.sql`, ${Prisma.join(req.then)}` : Prisma.empty}
    SELECT ${req.returning ? Prisma.sql`${req.returning}, ` : Prisma.empty}"from$" AS "from", "to$" AS "to" FROM moved t`;
}
