import { Command, CommanderError, Option } from 'commander';
import { GraphqlRequestError } from '@edgefleet/client';
import { appsCommand, deployCommand } from './commands/applications';
import { camerasCommand } from './commands/cameras';
import { configureCommand } from './commands/configure';
import { devicesCommand } from './commands/devices';
import { imagesCommand } from './commands/images';
import { jobsCommand } from './commands/jobs';
import { keysCommand } from './commands/keys';
import { logsCommand } from './commands/logs';
import { orgsCommand } from './commands/organizations';
import { packagesCommand } from './commands/packages';
import { rolloutsCommand } from './commands/rollouts';
import { tunnelCommands } from './commands/tunnels';
import { credentialsCommands } from './commands/credentials';
import { groupsCommands } from './commands/groups';
import { CliError, EXIT } from './errors';

const EXIT_HELP = `
Configuration: --endpoint/--api-key, else EDGEFLEET_ENDPOINT/EDGEFLEET_API_KEY, else the profile
(--profile or EDGEFLEET_PROFILE, "default") that \`edgefleet configure\` wrote.

Exit codes: 0 done; 1 the api refused (code and reason printed); 2 bad command line;
3 not configured; 4 the api is unreachable; 5 accepted, but what it started failed
(a job, a rollout, a deployment) or the manifest is invalid.`;

export function buildProgram(): Command {
  const program = new Command('edgefleet')
    .description('Operate an EdgeFleet fleet: devices, cameras, packages, application deployments, jobs, rollouts, logs, secure tunnels, role aliases, camera clips, and thing groups with continuous deployments.')
    .option('--endpoint <url>', 'the EdgeFleet api, e.g. http://127.0.0.1:3000')
    .option('--api-key <key>', 'an API key (prefer the environment or a profile: flags show up in ps)')
    .option('--profile <name>', 'the profile to use')
    .addOption(new Option('-o, --output <format>', 'table for people, json for scripts').choices(['table', 'json']).default('table'))
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(`${s.trim().replace(/\s*\n\s*/g, ' ')}\n`) });
  configureCommand(program);
  devicesCommand(program);
  camerasCommand(program);
  packagesCommand(program);
  deployCommand(program);
  appsCommand(program);
  logsCommand(program);
  imagesCommand(program);
  jobsCommand(program);
  rolloutsCommand(program);
  keysCommand(program);
  orgsCommand(program);
  tunnelCommands(program);
  credentialsCommands(program);
  groupsCommands(program);
  // Errors end the process through main (one line, our exit codes), not through commander's process.exit.
  for (const c of program.commands) c.exitOverride().commands.forEach((s) => s.exitOverride());
  return program;
}

/** One line for any failure, and the exit code that says which kind it was. */
export function describeFailure(err: unknown, endpoint?: string): { message: string; exitCode: number } {
  if (err instanceof CommanderError) return { message: '', exitCode: err.exitCode === 0 ? EXIT.OK : EXIT.USAGE };
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof GraphqlRequestError) {
    // The api's refusal, e.g. "NOT_FOUND (DEVICE_NOT_FOUND): Device … does not exist."
    const unreachable = err.response.status === 0;
    return { message: err.message, exitCode: unreachable ? EXIT.UNREACHABLE : err.code === 'UNAUTHENTICATED' ? EXIT.CONFIG : EXIT.REFUSED };
  }
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (err instanceof TypeError && /fetch failed/.test(err.message)) {
    return { message: `cannot reach the api${endpoint ? ` at ${endpoint}` : ''}: ${cause?.code ?? cause?.message ?? err.message}`, exitCode: EXIT.UNREACHABLE };
  }
  return { message: `unexpected error: ${(err as Error)?.stack ?? String(err)}`, exitCode: EXIT.REFUSED };
}
