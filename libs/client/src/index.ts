export { GraphqlClient, GraphqlRequestError, codeOf, dataOf, errorOf, retryAfterOf } from './graphql.client';
export type { ClientOptions, GraphqlError, GraphqlResponse, Operation } from './graphql.client';
export * from './generated/graphql';
export * from './statuses';
