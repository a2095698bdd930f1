export { TEST_DATABASE_URL, testConfig, uniqueName } from './test-env';
export { codeOf, gql } from './graphql-client';
export type { GraphqlResponse } from './graphql-client';
export { eventually, newKey, newOrganization, seedDevice } from './fixtures';
export type { HasApp, TestOrganization } from './fixtures';
export { ROOT, freePort, startApp, waitForOutput } from './processes';
export type { AppProcess } from './processes';
export { collect, subscriptionClient } from './subscriptions';
