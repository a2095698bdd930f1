import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@edgefleet/config';
import { DbModule } from '@edgefleet/db';
import { DomainError } from '@edgefleet/domain';
import { InstallationService, OrganizationsModule } from '@edgefleet/organizations';
import { RuntimeModule } from '@edgefleet/runtime';

const USAGE = `usage: npm run org -- create <name> | list | suspend <organizationId> | resume <organizationId>`;
const ACTOR = 'installation-admin:cli';

/** `npm run org`: installation administration on the machine, straight against the database. */
async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  if (!command || (command !== 'list' && !arg)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  @Module({ imports: [RuntimeModule.forRoot(config), DbModule, OrganizationsModule] })
  class OrgCommandModule {}
  const app = await NestFactory.createApplicationContext(OrgCommandModule, { logger: false });
  try {
    const orgs = app.get(InstallationService);
    switch (command) {
      case 'create': {
        const { organization, secret } = await orgs.create(arg, {}, ACTOR);
        process.stdout.write(`Created organization ${organization.name} (${organization.id}, account ${organization.accountId}).\nADMIN API key (shown once): ${secret}\n`);
        return 0;
      }
      case 'list':
        for (const o of await orgs.list()) process.stdout.write(`${o.id}  ${o.name}  ${o.accountId}  ${o.suspendedAt ? `SUSPENDED since ${o.suspendedAt.toISOString()}` : 'active'}\n`);
        return 0;
      case 'suspend':
      case 'resume': {
        const o = await orgs.setSuspended(arg, command === 'suspend', ACTOR);
        process.stdout.write(`${o.name} (${o.id}) is ${o.suspendedAt ? 'suspended' : 'active'}.\n`);
        return 0;
      }
      default:
        process.stderr.write(`unknown command ${command}\n${USAGE}\n`);
        return 2;
    }
  } finally {
    await app.close();
  }
}

// exitCode, not exit(): output to a pipe is written asynchronously and must not be cut off.
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    // One line with the reason, never a stack: this is an operator's command.
    if (err instanceof DomainError) process.stderr.write(`${err.code}/${err.reason}: ${err.message}\n`);
    else process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `org command failed: ${(err as Error)?.message ?? err}\n`);
    process.exitCode = 1;
  },
);
