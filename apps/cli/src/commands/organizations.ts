import type { Command } from 'commander';
import { CreateOrganizationDocument, type Operation, OrganizationsDocument, ResumeOrganizationDocument, SuspendOrganizationDocument } from '@edgefleet/client';
import { action } from '../context';

export function orgsCommand(program: Command): void {
  const orgs = program.command('orgs').description("Organizations (tenants) of the installation: needs the installation admin key (EDGEFLEET_INSTALLATION_ADMIN_KEY) as the API key.");

  orgs
    .command('list')
    .description('Every organization.')
    .action(
      action(async (ctx) =>
        ctx.out.list((await ctx.api.data(OrganizationsDocument)).organizations, [
          ['ID', (o) => o.id],
          ['NAME', (o) => o.name],
          ['ACCOUNT', (o) => o.accountId],
          ['SUSPENDED', (o) => o.suspendedTime],
          ['CREATED', (o) => o.createdTime],
        ]),
      ),
    );

  orgs
    .command('create <name>')
    .description('Creates an organization and prints its first ADMIN key (shown once: store it now).')
    .action(
      action(async (ctx, name: string) => {
        const { createOrganization: c } = await ctx.api.data(CreateOrganizationDocument, { name });
        ctx.out.record(c, [
          ['ID', c.organization.id],
          ['Name', c.organization.name],
          ['Account', c.organization.accountId],
          ['Admin API key', c.adminApiKey],
        ]);
      }),
    );

  type Changed = { id: string; name: string; suspendedTime: string | null };
  const changes: [string, Operation<Record<string, Changed>, { id: string }>][] = [
    ['suspend', SuspendOrganizationDocument],
    ['resume', ResumeOrganizationDocument],
  ];
  for (const [verb, doc] of changes) {
    orgs
      .command(`${verb} <id>`)
      .description(verb === 'suspend' ? 'Suspends an organization: its keys and devices are refused until resumed.' : 'Ends a suspension.')
      .action(
        action(async (ctx, id: string) => {
          const o = Object.values(await ctx.api.data(doc, { id }))[0];
          ctx.out.record(o, [
            ['ID', o.id],
            ['Name', o.name],
            ['Suspended', o.suspendedTime],
          ]);
        }),
      );
  }
}
