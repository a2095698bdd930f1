import { type Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { GraphqlClient } from '@edgefleet/client';
import { CliError, EXIT } from './errors';
import { type Format, Output } from './output';
import { type Profile, resolveProfile } from './settings';

export interface GlobalOptions {
  endpoint?: string;
  apiKey?: string;
  profile?: string;
  output: Format;
}

/** What every command gets: its output, and the api of the resolved profile (resolved when first used). */
export class Context {
  readonly out: Output;
  private client?: GraphqlClient;
  private resolved?: Profile;

  constructor(readonly options: GlobalOptions) {
    this.out = new Output(options.output);
  }

  get profile(): Profile {
    return (this.resolved ??= resolveProfile(this.options));
  }

  get api(): GraphqlClient {
    return (this.client ??= new GraphqlClient(this.profile.endpoint, this.profile.apiKey));
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}

/** Registers an action that gets the context first; errors reach main's one-line handler. */
export function action<A extends unknown[]>(fn: (ctx: Context, ...args: A) => Promise<void>) {
  return async function (this: Command, ...args: unknown[]) {
    const ctx = new Context(this.optsWithGlobals() as GlobalOptions);
    try {
      await fn(ctx, ...(args.slice(0, -1) as A));
    } finally {
      await ctx.close();
    }
  };
}

/** Reads a line from the terminal; `hidden` for secrets (nothing is echoed). */
export async function ask(question: string, hidden = false): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError(`${question.replace(/:\s*$/, '')} is needed and there is no terminal to ask on: pass it as an option (see --help).`, EXIT.USAGE);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (hidden) {
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput.bind(rl);
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => write(s.startsWith(question) ? question : s.includes('\n') ? '\n' : '');
  }
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
  }
}

/** A file the command line names (`-` is stdin); one that cannot be read is a usage error that says why. */
export function readText(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, EXIT.USAGE);
  }
}

/** A secret from a file (`-` is stdin), without its trailing newline. */
export const readSecretFile = (file: string): string => readText(file).replace(/\r?\n$/, '');

/** `key=value` (or `key`) options into Panorama tags. */
export function parseTags(tags: string[] | undefined): { key: string; value?: string }[] | undefined {
  if (!tags?.length) return undefined;
  return tags.map((t) => {
    const i = t.indexOf('=');
    return i < 0 ? { key: t } : { key: t.slice(0, i), value: t.slice(i + 1) };
  });
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A whole number option, checked. */
export function integer(name: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

/**
 * One of an enum's values, in any case (`--status online`); anything else is a usage error (exit 2)
 * listing them. `values` is a record over the whole enum, so a value the API adds must be added here.
 */
export function oneOf<T extends string>(name: string, values: Record<T, true>) {
  const valid = Object.keys(values) as T[];
  return (value: string): T => {
    const upper = value.toUpperCase().replaceAll('-', '_') as T;
    if (!valid.includes(upper)) throw new InvalidArgumentError(`${name} must be one of ${valid.join(', ')}.`);
    return upper;
  };
}
