'use strict';
// Jest global setup for integration tests: the test database (never the app's)
// is created if missing and migrated with the same offline engine `npm start` uses.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  const url = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/edgefleet_test';
  const root = path.resolve(__dirname, '../..');
  try {
    execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      stdio: 'pipe',
    });
  } catch (err) {
    throw new Error(`Could not migrate the test database ${url}:\n${err.stdout}${err.stderr}\nIs PostgreSQL running? See README.md.`);
  }
};
