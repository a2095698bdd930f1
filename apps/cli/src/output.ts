import type { Writable } from 'node:stream';

export type Format = 'table' | 'json';
export type Column<T> = [header: string, value: (row: T) => unknown];

const text = (v: unknown): string => (v === null || v === undefined || v === '' ? '-' : Array.isArray(v) ? v.join(',') : String(v));

/**
 * What a command prints: `table` for people (aligned columns, `-` for empty), `json` for scripts
 * (exactly the API's data, on stdout, nothing else there). Progress and notes go to stderr.
 *
 * The columns are aligned here rather than with a table library: plain space-separated columns,
 * like kubectl's and `aws --output text`, are what `awk`/`cut` expect, and they are ten lines.
 */
export class Output {
  constructor(
    readonly format: Format,
    private readonly stdout: Writable = process.stdout,
    private readonly stderr: Writable = process.stderr,
  ) {}

  /** Rows under headers; in json, the items themselves. */
  list<T>(items: readonly T[], columns: Column<T>[], json: unknown = items): void {
    if (this.format === 'json') return this.json(json);
    const cells = [columns.map(([h]) => h), ...items.map((item) => columns.map(([, value]) => text(value(item))))];
    const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
    for (const row of cells) this.stdout.write(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
  }

  /** One resource as `field: value` lines; in json, the object. */
  record(json: unknown, fields: [label: string, value: unknown][]): void {
    if (this.format === 'json') return this.json(json);
    const width = Math.max(...fields.map(([l]) => l.length)) + 1;
    for (const [label, value] of fields) this.stdout.write(`${`${label}:`.padEnd(width)} ${text(value)}\n`);
  }

  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A result line for people (not printed in json, where the data says it). */
  say(line: string): void {
    if (this.format === 'table') this.stdout.write(`${line}\n`);
  }

  /** A heading or a blank line between sections of a `describe` (table only). */
  section(title: string): void {
    if (this.format === 'table') this.stdout.write(`\n${title}\n`);
  }

  /** A note on stderr, in both formats (progress, warnings). */
  note(line: string): void {
    this.stderr.write(`${line}\n`);
  }
}
