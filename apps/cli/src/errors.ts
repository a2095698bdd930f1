/** Exit codes, documented in `edgefleet --help`. */
export const EXIT = {
  OK: 0,
  /** The api refused the request (its code and reason are printed). */
  REFUSED: 1,
  /** A bad command line: unknown command or option, a missing or malformed argument. */
  USAGE: 2,
  /** No endpoint or API key configured. */
  CONFIG: 3,
  /** The api could not be reached. */
  UNREACHABLE: 4,
  /** The request was accepted but what it started failed: a job, a rollout, a deployment, an invalid manifest. */
  FAILED: 5,
} as const;

/** An error the CLI prints as one line and exits with. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.USAGE,
  ) {
    super(message);
  }
}
