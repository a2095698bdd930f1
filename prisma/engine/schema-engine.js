#!/usr/bin/env node
'use strict';
// Offline stand-in for Prisma's native schema engine (no npm package ships the
// binary and this machine cannot download it). It speaks the engine's CLI and
// JSON-RPC protocol and delegates to the WebAssembly build of the same engine,
// connected to Postgres through the pg driver adapter. See STACK.md.
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { randomUUID } = require('node:crypto');
const pg = require('pg');
const { parse: parseConnectionString } = require('pg-connection-string');
const { PrismaPg } = require('@prisma/adapter-pg');
const { bindMigrationAwareSqlAdapterFactory } = require('@prisma/driver-adapter-utils');

const ENGINE_HASH = require('@prisma/engines-version/package.json').prisma.enginesVersion;

function parseArgs(argv) {
  const args = { datamodels: [], datasource: undefined, cli: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--version' || a === '-V') args.version = true;
    else if (a === '--datamodels') args.datamodels.push(argv[++i]);
    else if (a === '--datasource') args.datasource = JSON.parse(argv[++i]);
    else if (a === 'cli') args.cli = argv[++i];
    else if (a === '--enabled-preview-features' || a === '--extension-types') i++;
  }
  return args;
}

function logError(code, message) {
  // The CLI skips the first stderr line (the native engine's start-up log), so write one.
  const log = (level, fields) => JSON.stringify({ level, target: 'schema_engine::logger', fields });
  process.stderr.write(log('INFO', { message: 'schema-engine (wasm) starting' }) + '\n');
  process.stderr.write(log('ERROR', { error_code: code, message }) + '\n');
}

function connectionError(err, database) {
  if (err.code === '3D000') return ['P1003', `Database \`${database}\` does not exist on the database server`];
  if (err.code === '28P01' || err.code === '28000') return ['P1000', `Authentication failed: ${err.message}`];
  return ['P1001', `Can't reach database server: ${err.message}`];
}

// adapter-pg 7.10 cannot describe columns of Postgres type "char" (OID 18):
// report them as text (OID 25), which is what they hold.
class CharAsTextClient extends pg.Client {
  query(...args) {
    const fix = (res) => {
      for (const field of res?.fields ?? []) if (field.dataTypeID === 18) field.dataTypeID = 25;
      return res;
    };
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last];
      args[last] = (err, res) => callback(err, err ? res : fix(res));
      return super.query(...args);
    }
    const result = super.query(...args);
    return typeof result?.then === 'function' ? result.then(fix) : result;
  }
}

function poolConfig(url) {
  // Built from a parsed config, not a URL string: adapter-pg 7.10 otherwise
  // points its shadow database at the main one.
  const { database, ...rest } = parseConnectionString(url);
  return { ...rest, database: database ?? undefined, Client: CharAsTextClient, max: 4 };
}

async function withAdminClient(url, fn) {
  const client = new pg.Client({ ...poolConfig(url), database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// adapter-pg 7.10 splits scripts at every ';', which cuts dollar-quoted function bodies apart:
// send a migration script whole, as one simple-protocol query, as the native engine does.
function wholeScripts(adapter) {
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

function adapterFactory(url) {
  const config = poolConfig(url);
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: async () => wholeScripts(await new PrismaPg(config).connect()),
    // Our own shadow database, dropped with FORCE after the pool ends, so none leak.
    async connectToShadowDb() {
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await withAdminClient(url, (c) => c.query(`CREATE DATABASE "${name}"`));
      const adapter = wholeScripts(await new PrismaPg({ ...config, database: name }).connect());
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await withAdminClient(url, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      };
      return adapter;
    },
  };
}

async function runCli(command, datasource) {
  const url = datasource?.url;
  const { database } = parseConnectionString(url ?? '');
  try {
    if (command === 'can-connect-to-database') {
      const client = new pg.Client(poolConfig(url));
      await client.connect();
      await client.end();
    } else if (command === 'create-database') {
      await withAdminClient(url, async (c) => {
        const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (exists.rowCount === 0) await c.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      });
    } else if (command === 'drop-database') {
      await withAdminClient(url, (c) => c.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '""')}" WITH (FORCE)`));
    } else {
      logError('P1000', `Unsupported schema engine command: ${command}`);
      return 1;
    }
    return 0;
  } catch (err) {
    const [code, message] = connectionError(err, database);
    logError(code, message);
    return 1;
  }
}

async function loadWasmEngine() {
  globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message() {} };
  const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
  const bg = await import(path.join(dir, 'schema_engine_bg.js'));
  const bytes = fs.readFileSync(path.join(dir, 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return bg;
}

function rpcError(err) {
  const errorCode = err?.error_code ?? err?.code ?? err?.meta?.error_code;
  const message = err?.message ?? String(err);
  return {
    code: 4466,
    message: 'An error happened. Check the data field for details.',
    data: { is_panic: false, message, error_code: typeof errorCode === 'string' ? errorCode : undefined },
  };
}

async function serveRpc(args) {
  const bg = await loadWasmEngine();
  const datamodels = args.datamodels.length
    ? args.datamodels.map((file) => [file, fs.readFileSync(file, 'utf8')])
    : undefined; // `migrate diff` passes none
  const url = args.datasource?.url;
  const factory = url ? bindMigrationAwareSqlAdapterFactory(adapterFactory(url)) : undefined;
  const engine = await bg.SchemaEngine.new({ datamodels }, () => {}, factory);

  const write = (msg) => process.stdout.write(JSON.stringify(msg) + '\n');
  let nextOwnId = 1_000_000;
  const print = (content) => write({ jsonrpc: '2.0', id: nextOwnId++, method: 'print', params: { content } });

  async function call(method, params) {
    switch (method) {
      case 'getDatabaseVersion':
        return engine.version(params);
      case 'createDatabase': {
        const code = await runCli('create-database', args.datasource);
        if (code !== 0) throw new Error('could not create the database');
        return { databaseName: parseConnectionString(url).database };
      }
      case 'diff': {
        const result = await engine.diff(params);
        if (typeof result?.stdout === 'string') print(result.stdout);
        return { ...result, stdout: null };
      }
      case 'evaluateDataLoss':
      case 'createMigration':
        try {
          return await engine[method](params);
        } catch (err) {
          // After applyMigrations the wasm engine may lose its shadow factory; a
          // devDiagnostic over the same migrations restores it.
          if (!/shadow/i.test(String(err?.message))) throw err;
          await engine.devDiagnostic({ migrationsList: params.migrationsList });
          return engine[method](params);
        }
      default:
        if (typeof engine[method] !== 'function') throw new Error(`Unknown method ${method}`);
        return engine[method](params);
    }
  }

  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  const pending = [];
  rl.on('line', (line) => {
    if (!line.trim()) return;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (msg.method === undefined) return; // a reply to our own `print`
    pending.push(
      call(msg.method, msg.params)
        .then((result) => write({ jsonrpc: '2.0', id: msg.id, result: result ?? {} }))
        .catch((err) => write({ jsonrpc: '2.0', id: msg.id, error: rpcError(err) })),
    );
  });
  await new Promise((resolve) => rl.on('close', resolve));
  await Promise.allSettled(pending);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${ENGINE_HASH}\n`);
    return 0;
  }
  if (args.cli) return runCli(args.cli, args.datasource);
  await serveRpc(args);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    logError('P1000', err?.message ?? String(err));
    process.exit(1);
  },
);
