import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import { defaultErrorFormatter } from 'mercurius';
import type { Config } from '@edgefleet/config';
import type { ApiKeyService, RequestAdmission } from '@edgefleet/organizations';
import { assertInstallationScope } from '../organizations/installation-admin';
import type { RequestContext } from './caller.decorator';
import { toGraphqlError, withErrorCodes } from './graphql-errors';
import { assertOperation, assertQueryCost, assertVariableDepth, mutationCount, queryLimitRules } from './query-limits';

/**
 * Mercurius as the api runs it. Every operation is authenticated and admitted (role, revoked
 * keys, suspended organizations, rates), then priced, before any resolver runs.
 */
export function graphqlOptions(config: Config, apiKeys: ApiKeyService, admission: RequestAdmission): MercuriusDriverConfig {
  /** The caller of a bearer key, admitted for this many mutations. */
  const authenticate = async (authorization: string | undefined, mutations: number) => {
    const principal = await apiKeys.authenticate(/^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]);
    await admission.admit(principal, mutations);
    return principal;
  };
  return {
    autoSchemaFile: true,
    sortSchema: true,
    // Mercurius's GraphiQL loads React and GraphiQL from a CDN; /graphiql serves the bundled one (console.routes.ts).
    graphiql: false,
    path: '/graphql',
    errorFormatter: (execution, ctx) => withErrorCodes(defaultErrorFormatter(execution, ctx)),
    graphql: { parseOptions: { maxTokens: config.GRAPHQL_MAX_TOKENS } },
    // A query seen once more is compiled to a function (graphql-jit): execution of a page of 50 devices was a third of the api's CPU.
    jit: 1,
    validationRules: queryLimitRules(config),
    subscription: {
      // graphql-ws: the API key comes in the connection_init payload; a bad key closes the socket.
      onConnect: async ({ payload }: { payload?: Record<string, string> }) => ({
        principal: await authenticate(payload?.authorization ?? payload?.Authorization, 0),
      }),
    },
    hooks: {
      preExecution: async (schema, document, context, variables) => {
        try {
          const { request } = context.reply;
          const { operationName } = (request.body ?? request.query ?? {}) as { operationName?: string };
          // Who first: an anonymous caller learns nothing about how a query would be priced.
          if (assertInstallationScope(config, request.headers.authorization, document, operationName)) {
            (context as unknown as { installation: boolean }).installation = true;
          } else {
            (context as unknown as RequestContext).principal = await authenticate(request.headers.authorization, mutationCount(document, operationName));
          }
          assertOperation(document, operationName);
          assertVariableDepth(variables);
          assertQueryCost(schema, document, variables, operationName, config.GRAPHQL_MAX_COST);
        } catch (err) {
          const refusal = toGraphqlError(err);
          // A request refused as it stands (its operation, variables or cost) is a 400, as GraphQL's own refusals are.
          if ((refusal.extensions as { code?: string }).code === 'VALIDATION_FAILED') refusal.statusCode = 400;
          throw refusal;
        }
      },
    },
  };
}
