export { TEST_DATABASE_URL, testConfig, testDatabase, uniqueName } from './test-env';
export { codeOf, dataOf, errorOf, gql } from './graphql-client';
export type { GraphqlResponse } from './graphql-client';
export { eventually, newKey, until, newOrganization, rolloutOutcome, seedDevice } from './fixtures';
export type { HasApp, TestOrganization } from './fixtures';
export { ROOT, freePort, startApp, startStack, waitForOutput } from './processes';
export type { AppProcess, Stack } from './processes';
export { collect, subscriptionClient } from './subscriptions';
