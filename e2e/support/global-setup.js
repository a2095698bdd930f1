'use strict';
// Jest global setup for integration tests: the test database (never the app's) is made
// anew for every run (nothing a run or a killed run left behind reaches the next) and
// migrated with the same offline engine `npm start` uses.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { Client } = require('pg');

/** Test files that run a worker get a database of their own (see testDatabase in test-env.ts). */
const WORKER_DATABASES = ['provisioning', 'ota', 'reliability', 'gateway_jobs', 'worker', 'aws', 'retention', 'restart', 'catalogue', 'deploy', 'agent', 'operators', 'console', 'start', 'walkthrough', 'containers', 'vision', 'tunnels', 'credentials', 'clips', 'groups', 'balanced'];

module.exports = async () => {
  const url = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/edgefleet_test';
  const root = path.resolve(__dirname, '../..');
  const admin = new Client({ connectionString: url.replace(/\/[^/?]+(\?|$)/, '/postgres$1') });
  const template = new URL(url).pathname.slice(1);
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`Could not reach PostgreSQL for the test database ${url}: ${err.message}\nIs PostgreSQL running? See README.md.`);
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${template}"`);
    try {
      execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'deploy'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: url },
        stdio: 'pipe',
      });
    } catch (err) {
      throw new Error(`Could not migrate the test database ${url}:\n${err.stdout}${err.stderr}`);
    }
    // A worker takes every outbox row and sweeps every job of its database: workers of
    // different test files (other configurations, other backends) must not share one.
    // Copies of the migrated database, made before any test connects to it.
    for (const name of WORKER_DATABASES) {
      await admin.query(`DROP DATABASE IF EXISTS "${template}_${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${template}_${name}" TEMPLATE "${template}"`);
    }
  } finally {
    await admin.end();
  }
};
