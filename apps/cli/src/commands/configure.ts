import type { Command } from 'commander';
import { GraphqlClient, GraphqlRequestError, WhoAmIDocument } from '@edgefleet/client';
import { type GlobalOptions, ask } from '../context';
import { CliError, EXIT } from '../errors';
import { Output } from '../output';
import { configFile, normalizeEndpoint, saveProfile } from '../settings';

export function configureCommand(program: Command): void {
  program
    .command('configure')
    .description('Stores an endpoint and API key in a profile (a 0600 file), after checking them; asks for what the options do not give.')
    .option('--no-verify', 'store them without asking the api who the key is (installation admin keys)')
    .action(async function (this: Command, o: { verify: boolean }) {
      const g = this.optsWithGlobals() as GlobalOptions;
      const out = new Output(g.output);
      const profile = g.profile ?? process.env.EDGEFLEET_PROFILE ?? 'default';
      const endpoint = normalizeEndpoint(g.endpoint ?? ((await ask('EdgeFleet endpoint [http://127.0.0.1:3000]: ')) || 'http://127.0.0.1:3000'));
      const apiKey = g.apiKey ?? (await ask('API key: ', true));
      if (!apiKey) throw new CliError('the API key is empty', EXIT.USAGE);
      let whoami: { role: string; organizationId: string; accountId: string } | undefined;
      if (o.verify) {
        const api = new GraphqlClient(endpoint, apiKey);
        whoami = (await api.data(WhoAmIDocument).catch((err: unknown) => {
          if (err instanceof GraphqlRequestError) throw new GraphqlRequestError(err.response, `${err.message} (nothing was stored; --no-verify stores it anyway)`);
          throw err;
        })).whoami;
      }
      const file = configFile();
      saveProfile(profile, { endpoint, apiKey });
      out.record({ profile, endpoint, file, ...(whoami ? { role: whoami.role, organizationId: whoami.organizationId, accountId: whoami.accountId } : {}) }, [
        ['Profile', profile],
        ['Endpoint', endpoint],
        ['Role', whoami?.role ?? 'not checked'],
        ['Organization', whoami?.organizationId ?? 'not checked'],
        ['Account id', whoami ? `${whoami.accountId} (manifests name your packages ${whoami.accountId}::<package>)` : 'not checked'],
        ['Stored in', file],
      ]);
    });
}
