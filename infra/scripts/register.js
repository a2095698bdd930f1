'use strict';
// Runs the TypeScript sources directly: @swc/core compiles each file on load and
// `@edgefleet/<lib>` resolves to libs/<lib>/src/index.ts (the same mapping as
// tsconfig.base.json and Jest). Used by `npm start`, the apps and the benchmarks.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '../..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request.startsWith('@edgefleet/')) {
    request = path.join(root, 'libs', request.slice('@edgefleet/'.length), 'src/index.ts');
  }
  return resolveFilename.call(this, request, ...rest);
};

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
require.extensions['.ts'] = function (module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...swcOptions, filename });
  module._compile(code, filename);
};
process.setSourceMapsEnabled(true);

// Test harnesses set this so a process they started never outlives them (a killed
// Jest run would otherwise leave workers consuming the next run's database).
if (process.env.EDGEFLEET_EXIT_WITH_PARENT === '1') {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, 1000).unref();
}
