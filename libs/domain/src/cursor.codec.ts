import { validationFailed } from './errors';

/*
 * Page cursors: the sort key of a page's last row, as strings, in base64url JSON. Opaque to
 * clients, so a list can change how it sorts without changing the API.
 */

const invalidCursor = (argumentName: string) => validationFailed(argumentName, 'is not a cursor returned by this API.', 'INVALID_CURSOR');

export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The `arity` values of a cursor encodeCursor wrote; anything else is INVALID_CURSOR on `argumentName`. */
export function decodeCursor(token: string, arity: number, argumentName: string): string[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor(argumentName);
  }
  if (!Array.isArray(values) || values.length !== arity || !values.every((v) => typeof v === 'string')) throw invalidCursor(argumentName);
  // Base64 decoding skips characters it does not know: only the exact token we wrote is ours.
  if (encodeCursor(values) !== token) throw invalidCursor(argumentName);
  return values;
}

/** A cursor value that must be a timestamp as Date#toISOString writes it, checked so a forged one fails here, not in SQL. */
export function cursorTimestamp(value: string, argumentName: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time) || new Date(time).toISOString() !== value) throw invalidCursor(argumentName);
  return value;
}

export const MAX_PAGE_SIZE = 100;

/** A page's `first`: 1 to MAX_PAGE_SIZE. */
export function assertPageSize(first: number, argumentName = 'first'): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw validationFailed(argumentName, `must be between 1 and ${MAX_PAGE_SIZE}.`);
}

/** A Relay page of rows fetched with one extra (to tell whether there is a next page). */
export function pageOf<T>(rows: T[], first: number, cursor: (row: T) => string[]): { edges: { cursor: string; node: T }[]; pageInfo: PageInfo } {
  const edges = rows.slice(0, first).map((node) => ({ cursor: encodeCursor(cursor(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null } };
}

/** The page of a list read backwards (`last`, newest first, one extra): its rows put back in order, oldest first. */
export function lastPageOf<T>(rowsNewestFirst: T[], last: number, cursor: (row: T) => string[]): { edges: { cursor: string; node: T }[]; pageInfo: PageInfo } {
  const edges = rowsNewestFirst.slice(0, last).reverse().map((node) => ({ cursor: encodeCursor(cursor(node)), node }));
  return { edges, pageInfo: { hasNextPage: false, endCursor: edges.at(-1)?.cursor ?? null, hasPreviousPage: rowsNewestFirst.length > last, startCursor: edges[0]?.cursor ?? null } };
}

/** Relay's page info: forward pages say whether more follow, backward pages whether more precede. */
export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
  hasPreviousPage: boolean;
  startCursor: string | null;
}
