export { GraphqlClient, GraphqlRequestError, codeOf, dataOf, errorOf } from './graphql.client';
export type { GraphqlError, GraphqlResponse, Operation } from './graphql.client';
export * from './generated/graphql';
export * from './statuses';
