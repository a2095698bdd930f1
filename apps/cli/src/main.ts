import { buildProgram, describeFailure } from './cli';

const program = buildProgram();
program.parseAsync(process.argv).then(
  () => process.exit(0), // open sockets (subscriptions) never keep a finished command alive
  (err: unknown) => {
    const endpoint = program.opts().endpoint ?? process.env.EDGEFLEET_ENDPOINT;
    const { message, exitCode } = describeFailure(err, endpoint);
    if (message) process.stderr.write(`error: ${message}\n`);
    process.exit(exitCode);
  },
);
