export { GraphqlClient, GraphqlRequestError, codeOf, dataOf, errorOf } from './graphql.client';
export type { GraphqlError, GraphqlResponse } from './graphql.client';
