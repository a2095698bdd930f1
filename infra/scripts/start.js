#!/usr/bin/env node
'use strict';
// `npm start`: checks the services, applies migrations, then runs the api, the worker,
// the device gateway and a few simulated devices, printing the console and GraphiQL URLs and the admin key.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');

const root = path.resolve(__dirname, '../..');
const env = { ...process.env };
env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/edgefleet';
env.REDIS_URL ??= 'redis://127.0.0.1:6379';
env.LOG_LEVEL ??= 'warn';
const dataDir = path.resolve(root, env.DATA_DIR ?? '.data');

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || defaultPort), timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const HOW_TO_START = {
  PostgreSQL: 'start it with `docker compose up -d postgres` or `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`',
  Redis: 'start it with `docker compose up -d redis` or `redis-server --daemonize yes --save "" --appendonly no`',
};

/** A key kept in DATA_DIR (made on first start, 0600), so every `npm start` can print it. */
function keptKey(file, prefix) {
  file = path.join(dataDir, file);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${prefix}${crypto.randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

function run(name, script, onLine, args = []) {
  const child = spawn(process.execPath, ['-r', './infra/scripts/register.js', script, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) {
        process.stdout.write(`[${name}] ${line}\n`);
        onLine?.(line);
      }
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stdout.write(`[${name}] exited (${signal ?? code}); stopping EdgeFleet\n`);
      stop(1);
    }
  });
  return child;
}

let stopping = false;
const children = [];
function stop(code = 0) {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(() => process.exit(code));
}

async function main() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    process.stderr.write(
      `EdgeFleet needs Node 22 or newer (24 LTS recommended); this is ${process.version}: start it with \`npm start\`, which brings Node 24 when the machine's is older.\n`,
    );
    process.exit(1);
  }
  for (const [name, url, port] of [['PostgreSQL', env.DATABASE_URL, 5432], ['Redis', env.REDIS_URL, 6379]]) {
    if (!(await reachable(url, port))) {
      process.stderr.write(`${name} is not reachable at ${new URL(url).host}: ${HOW_TO_START[name]}.\n`);
      process.exit(1);
    }
  }
  if (!fs.existsSync(path.join(root, 'dist/console/index.html'))) {
    // npm install builds it; a checkout that skipped the install scripts builds it here, once.
    process.stdout.write('Building the web console…\n');
    execFileSync('npm', ['run', '--silent', 'console:build'], { cwd: root, env, stdio: 'inherit' });
  }
  process.stdout.write('Applying database migrations…\n');
  try {
    execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'deploy'], { cwd: root, env, stdio: 'pipe' });
  } catch (err) {
    process.stderr.write(`Migrations failed:\n${err.stdout}${err.stderr}\n`);
    process.exit(1);
  }
  // The default organization's ADMIN key, and the installation admin key (organizations: createOrganization, suspend, resume).
  env.EDGEFLEET_BOOTSTRAP_API_KEY ??= keptKey('admin-api-key', 'efk_');
  env.EDGEFLEET_INSTALLATION_ADMIN_KEY ??= keptKey('installation-admin-key', 'efi_');

  // A small simulated fleet joins once the api and the gateway are up (FLEET_DEVICES=0 to skip).
  const fleetDevices = Number(env.FLEET_DEVICES ?? 3);
  const ready = new Set();
  const startFleetWhen = (what) => {
    ready.add(what);
    if (ready.size === 2 && fleetDevices > 0) {
      children.push(run('fleet', 'apps/edge-agent/src/fleet.main.ts', undefined, ['--devices', String(fleetDevices), '--key', env.EDGEFLEET_BOOTSTRAP_API_KEY, '--churn', '0']));
    }
  };
  children.push(
    run('gateway', 'apps/gateway/src/main.ts', (line) => /gateway listening/.test(line) && startFleetWhen('gateway')),
    run('api', 'apps/api/src/main.ts', (line) => {
      const consoleUrl = /^Console: (\S+)/.exec(line)?.[1];
      if (consoleUrl) {
        startFleetWhen('api');
        const base = consoleUrl.replace(/\/console\/$/, '');
        process.stdout.write(
          `\n  EdgeFleet is running.\n  Console:  ${consoleUrl}\n` +
            (['false', '0'].includes(env.GRAPHIQL) ? '' : `  GraphiQL: ${base}/graphiql\n`) +
            `  Admin API key: ${env.EDGEFLEET_BOOTSTRAP_API_KEY}\n` +
            `  (send it as the header  Authorization: Bearer <key>; it is kept in ${path.relative(root, dataDir)}/admin-api-key)\n` +
            `  Installation admin key (organizations: createOrganization, suspendOrganization): kept in ${path.relative(root, dataDir)}/installation-admin-key\n` +
            `  CLI: npm link (once), then edgefleet configure --endpoint ${base} --api-key <key>, and edgefleet devices list\n` +
            `  Metrics (Prometheus): http://${env.METRICS_HOST ?? '127.0.0.1'}:{${env.API_METRICS_PORT ?? 9463},${env.WORKER_METRICS_PORT ?? 9464},${env.GATEWAY_METRICS_PORT ?? 9465}}/metrics (api, worker, gateway)\n` +
            `  Devices connect to the gateway on mqtts://${env.GATEWAY_HOST ?? '127.0.0.1'}:${env.GATEWAY_PORT ?? 8883}; provision one with\n` +
            `  edgefleet devices provision <name> and run: npm run edge-agent -- --bundle certificates-omni_<name>.zip --data-dir .data/devices/<name>\n` +
            `  Devices exchange their certificates for temporary credentials (AWS IoT's credentials provider) at https://${env.CREDENTIALS_PROVIDER_HOST ?? '127.0.0.1'}:${env.CREDENTIALS_PROVIDER_PORT ?? 8443}/role-aliases/<alias>/credentials\n  Stop with Ctrl-C.\n\n`,
        );
      }
    }),
    run('worker', 'apps/worker/src/main.ts'),
  );
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
}

main();
