export { GraphqlClient, GraphqlRequestError, codeOf, dataOf, errorOf, retryAfterOf } from './graphql.client';
export type { ClientOptions, GraphqlError, GraphqlResponse, Operation } from './graphql.client';
// The typed documents and types of every operation, generated from schema.graphql and the operations (npm run codegen).
// eslint-disable-next-line no-restricted-syntax
export * from './generated/graphql';
export { ENDED_DEPLOYMENT_STATUSES, ENDED_ROLLOUT_STATUSES, FINISHED_JOB_STATUSES } from './statuses';
