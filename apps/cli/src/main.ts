import { buildProgram, describeFailure } from './cli';

/**
 * Exits once stdout and stderr are flushed (to a pipe they are written asynchronously: exiting
 * at once would cut `-o json | jq` short); no socket left open keeps a finished command alive.
 */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

const program = buildProgram();
program.parseAsync(process.argv).then(
  // A command that ran another program (edgefleet ssh) ends with its exit code.
  () => exit(Number(process.exitCode ?? 0)),
  (err: unknown) => {
    const endpoint = program.opts().endpoint ?? process.env.EDGEFLEET_ENDPOINT;
    const { message, exitCode } = describeFailure(err, endpoint);
    if (message) process.stderr.write(`error: ${message}\n`);
    exit(exitCode);
  },
);
