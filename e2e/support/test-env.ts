import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '@edgefleet/config';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/edgefleet_test';

/**
 * Configuration for one test file: the test database, its own Redis key prefix,
 * quiet logs and generous limits (tests that check limits set their own).
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    LOG_LEVEL: 'silent',
    API_PORT: '0',
    API_METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    GATEWAY_METRICS_PORT: '0',
    CREDENTIALS_PROVIDER_PORT: '0',
    RATE_LIMIT_REQUESTS_PER_SECOND: '100000',
    RATE_LIMIT_MUTATIONS_PER_SECOND: '100000',
    QUOTA_DEVICES: '1000',
    // One test CA for every test process, so api, worker and gateway trust each other.
    DATA_DIR: path.join(tmpdir(), 'edgefleet-test-data'),
    ...overrides,
  });
}

/** The database of a test file that runs a worker (created by the global setup as a copy of the test database). */
export function testDatabase(name: 'provisioning' | 'ota' | 'reliability' | 'gateway_jobs' | 'worker' | 'aws' | 'retention' | 'restart' | 'catalogue' | 'deploy' | 'agent' | 'operators' | 'console' | 'start' | 'walkthrough' | 'containers' | 'vision' | 'tunnels' | 'credentials' | 'clips' | 'groups' | 'failover' | 'balanced'): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `${url.pathname}_${name}`;
  return url.toString();
}

/** A unique resource name for this test run. */
export const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
