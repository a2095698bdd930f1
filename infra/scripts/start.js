#!/usr/bin/env node
'use strict';
// `npm start`: checks the services, applies migrations, then runs the api, the worker,
// the device gateway and a few simulated devices, printing the console and GraphiQL URLs and the admin key.
// `npm start -- --scale`: three gateways, two api processes and two workers behind HAProxy
// (infra/haproxy/haproxy.cfg; the ports below are its defaults), devices and users reaching
// them through HAProxy's :8883, :8443 and :3000.
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

const scale = process.argv.includes('--scale');
/** Each process of the scaled-out topology: its own ports, as infra/haproxy/haproxy.cfg expects them. */
const GATEWAYS = [1, 2, 3].map((i) => ({ GATEWAY_PORT: String(8883 + i), CREDENTIALS_PROVIDER_PORT: String(8443 + i), GATEWAY_METRICS_PORT: String(9464 + i) }));
const APIS = [{ API_PORT: '3010', API_METRICS_PORT: '9463' }, { API_PORT: '3011', API_METRICS_PORT: '9469' }];
const WORKERS = [{ WORKER_METRICS_PORT: '9464' }, { WORKER_METRICS_PORT: '9468' }];

function run(name, command, onLine, args = [], ownEnv = {}) {
  const [file, ...pre] = command.endsWith('.ts') ? [process.execPath, '-r', './infra/scripts/register.js', command] : [command];
  const child = spawn(file, [...pre, ...args], { cwd: root, env: { ...env, ...ownEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
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

  if (scale) env.GATEWAY_ENDPOINT ??= `${env.GATEWAY_HOST ?? '127.0.0.1'}:8883`;
  const haproxy = scale ? ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'].find((f) => fs.existsSync(f)) : undefined;
  const base = (consoleUrl) => (scale ? 'http://127.0.0.1:3000' : consoleUrl.replace(/\/console\/$/, ''));

  // A small simulated fleet joins once an api and a gateway are up (FLEET_DEVICES=0 to skip).
  const fleetDevices = Number(env.FLEET_DEVICES ?? 3);
  const ready = new Set();
  const startFleetWhen = (what, api) => {
    if (ready.has(what) || (scale && !haproxy)) return;
    ready.add(what);
    if (ready.size === 2 && fleetDevices > 0) {
      children.push(run('fleet', 'apps/edge-agent/src/fleet.main.ts', undefined, ['--devices', String(fleetDevices), '--key', env.EDGEFLEET_BOOTSTRAP_API_KEY, '--churn', '0', '--api', api]));
    }
  };
  let printed = false;
  const announce = (consoleUrl) => {
    if (printed) return;
    printed = true;
    const url = base(consoleUrl);
    startFleetWhen('api', url);
    const gateways = scale ? '8883 (HAProxy, to the gateways on 8884–8886)' : (env.GATEWAY_PORT ?? 8883);
    process.stdout.write(
      `\n  EdgeFleet is running${scale ? ' behind HAProxy: 3 gateways, 2 api processes, 2 workers' : ''}.\n  Console:  ${url}/console/\n` +
        (['false', '0'].includes(env.GRAPHIQL) ? '' : `  GraphiQL: ${url}/graphiql\n`) +
        `  Admin API key: ${env.EDGEFLEET_BOOTSTRAP_API_KEY}\n` +
        `  (send it as the header  Authorization: Bearer <key>; it is kept in ${path.relative(root, dataDir)}/admin-api-key)\n` +
        `  Installation admin key (organizations: createOrganization, suspendOrganization): kept in ${path.relative(root, dataDir)}/installation-admin-key\n` +
        `  CLI: npm link (once), then edgefleet configure --endpoint ${url} --api-key <key>, and edgefleet devices list\n` +
        (scale
          ? '  Metrics (Prometheus): http://127.0.0.1:{9463,9469}/metrics (api), {9464,9468} (worker), {9465,9466,9467} (gateway)\n'
          : `  Metrics (Prometheus): http://${env.METRICS_HOST ?? '127.0.0.1'}:{${env.API_METRICS_PORT ?? 9463},${env.WORKER_METRICS_PORT ?? 9464},${env.GATEWAY_METRICS_PORT ?? 9465}}/metrics (api, worker, gateway)\n`) +
        `  Devices connect to the gateway on mqtts://${env.GATEWAY_HOST ?? '127.0.0.1'}:${gateways}; provision one with\n` +
        `  edgefleet devices provision <name> and run: npm run edge-agent -- --bundle certificates-omni_<name>.zip --data-dir .data/devices/<name>\n` +
        `  Devices exchange their certificates for temporary credentials (AWS IoT's credentials provider) at https://${env.CREDENTIALS_PROVIDER_HOST ?? '127.0.0.1'}:${scale ? 8443 : (env.CREDENTIALS_PROVIDER_PORT ?? 8443)}/role-aliases/<alias>/credentials\n  Stop with Ctrl-C.\n\n`,
    );
  };
  // Scaled out, HAProxy starts (and the fleet joins through it) once every gateway and api listens.
  let starting = GATEWAYS.length + APIS.length;
  const started = (consoleUrl) => {
    if (--starting > 0) return;
    if (haproxy) children.push(run('haproxy', haproxy, undefined, ['-db', '-f', 'infra/haproxy/haproxy.cfg']));
    else process.stdout.write('HAProxy is not installed: apt-get install -y haproxy (then npm start -- --scale again), or run it with  docker compose --profile scale up -d haproxy\n');
    announce(consoleUrl);
  };
  const onGatewayLine = (line) => {
    if (!/gateway listening/.test(line)) return;
    startFleetWhen('gateway');
    if (scale) started();
  };
  const onApiLine = (line) => {
    const consoleUrl = /^Console: (\S+)/.exec(line)?.[1];
    if (consoleUrl) (scale ? started : announce)(consoleUrl);
  };
  if (!scale) {
    children.push(run('gateway', 'apps/gateway/src/main.ts', onGatewayLine), run('api', 'apps/api/src/main.ts', onApiLine), run('worker', 'apps/worker/src/main.ts'));
  } else {
    GATEWAYS.forEach((own, i) => children.push(run(`gateway${i + 1}`, 'apps/gateway/src/main.ts', onGatewayLine, [], own)));
    APIS.forEach((own, i) => children.push(run(`api${i + 1}`, 'apps/api/src/main.ts', onApiLine, [], own)));
    WORKERS.forEach((own, i) => children.push(run(`worker${i + 1}`, 'apps/worker/src/main.ts', undefined, [], own)));
  }
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
}

main();
