/**
 * bench/tunnel: a secure tunnel end to end on this machine. The api (its tunneling endpoint at
 * /tunnel, the relay) and a source and a destination local proxy (LocalProxy, each in a process of
 * its own as `edgefleet tunnel` and the edge agent run it) carry TCP connections to two services
 * on the destination's side: a sink that counts bytes and a TCP echo. Measured, against the same
 * over a direct loopback TCP connection in the same run: the throughput of a 200 MB transfer
 * (50 MB with `--quick`; 64 KiB writes that respect backpressure; timed from the first write to
 * the sink's 1-byte ack of the last byte; after 32 MB of warm-up, the median of 5 rounds each
 * way, alternating; ratio tunnel ÷ direct, target ≥ 0.5), and the latency of 1000 sequential
 * round trips of 64 bytes (300 with `--quick`, after 50 of warm-up): p50 and p99 each way, and
 * what the tunnel adds. Also measured: the same transfer through three plain TCP relays in a row
 * (each a process piping bytes, no protocol), the floor of any relay with the tunnel's three hops
 * on this machine. The run fails if the sink's byte count differs from what was sent or an
 * echo comes back different. Not part of npm test: `npm run bench:tunnel` (or `npm run bench --
 * --only tunnel`).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { newDeviceId } from '@edgefleet/domain';
import { LocalProxy, type ServiceAddress } from '@edgefleet/local-proxy';
import { bench, cpuMeter, freePort, percentile, round } from '../support';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '1' } }, strict: false });
const DEVICES = Number(values.devices);
/** MB here is 2^20 bytes, for the direct transfer and the tunnel's alike. */
const MB = 1024 * 1024;
const CHUNK = 64 * 1024;
const MESSAGE_BYTES = 64;
const WARM_UP_TRIPS = 50;
const WARM_UP_MB = 32;
const ROUNDS = 5;
const TARGET_RATIO = 0.5;
const KEY = `efk_${randomBytes(32).toString('base64url')}`;
const OPEN = `mutation ($input: OpenTunnelInput!) { openTunnel(input: $input) { sourceAccessToken destinationAccessToken endpoint tunnel { tunnelId } } }`;

interface Server {
  port: number;
  close: () => Promise<void>;
}

/** A TCP sink: counts each connection's bytes, answers 1 byte once it has `total`, and keeps the count it had when the connection closed. */
async function sinkServer(): Promise<Server & { expect: (total: number) => Promise<number> }> {
  let waiting: { total: number; resolve: (received: number) => void } | undefined;
  const server = net.createServer((socket) => {
    const want = waiting;
    waiting = undefined;
    let received = 0;
    let acked = false;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (!acked && want && received >= want.total) {
        acked = true;
        socket.write(Buffer.from([1]));
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => want?.resolve(received));
    socket.on('end', () => socket.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    // The next connection's total; resolves with what it received in all, once it closed.
    expect: (total) => new Promise((resolve) => (waiting = { total, resolve })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A TCP echo: every byte back at once. */
async function echoServer(): Promise<Server> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const connect = (port: number) =>
  new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.setNoDelay(true);
    socket.once('error', reject);
  });

/**
 * `total` bytes in 64 KiB writes to `port` (waiting for 'drain' whenever write() says so), timed
 * from the first write to the sink's ack; then the connection is closed and the sink's count checked.
 */
async function transfer(sink: Awaited<ReturnType<typeof sinkServer>>, port: number, total: number): Promise<{ seconds: number; received: number }> {
  const chunk = randomBytes(CHUNK);
  const counted = sink.expect(total);
  const socket = await connect(port);
  const acked = new Promise<void>((resolve, reject) => {
    socket.once('data', () => resolve());
    socket.once('close', () => reject(new Error(`the connection closed before the sink acknowledged ${total} bytes`)));
  });
  const t0 = performance.now();
  let sent = 0;
  while (sent < total) {
    const piece = total - sent >= CHUNK ? chunk : chunk.subarray(0, total - sent);
    sent += piece.length;
    if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await acked;
  const seconds = (performance.now() - t0) / 1000;
  socket.end();
  const received = await counted;
  socket.destroy();
  return { seconds, received };
}

/** `trips` sequential round trips of 64 bytes on one connection (after a warm-up), in ms each, sorted. */
async function roundTrips(port: number, trips: number): Promise<{ ms: number[]; wrong: number }> {
  const socket = await connect(port);
  const message = randomBytes(MESSAGE_BYTES);
  let wrong = 0;
  let pending: { resolve: () => void; got: Buffer[]; bytes: number } | undefined;
  socket.on('data', (chunk: Buffer) => {
    if (!pending) return void (wrong += chunk.length);
    pending.got.push(chunk);
    pending.bytes += chunk.length;
    if (pending.bytes >= MESSAGE_BYTES) {
      if (!Buffer.concat(pending.got).equals(message)) wrong++;
      const done = pending.resolve;
      pending = undefined;
      done();
    }
  });
  const closed = new Promise<never>((_, reject) => socket.once('close', () => reject(new Error('the echo connection closed during the round trips'))));
  closed.catch(() => undefined);
  const ms: number[] = [];
  for (let i = 0; i < WARM_UP_TRIPS + trips; i++) {
    const back = new Promise<void>((resolve) => (pending = { resolve, got: [], bytes: 0 }));
    const t0 = performance.now();
    socket.write(message);
    await Promise.race([back, closed]);
    if (i >= WARM_UP_TRIPS) ms.push(performance.now() - t0);
  }
  socket.destroy();
  return { ms: ms.sort((a, b) => a - b), wrong };
}

const latency = (ms: number[]) => ({ p50: round(percentile(ms, 50), 3), p99: round(percentile(ms, 99), 3), mean: round(ms.reduce((a, b) => a + b, 0) / ms.length, 3) });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Fails what it waits on if a process of the run exits meanwhile, or if it takes longer than `seconds`. */
function watchdog(processes: Record<string, ChildProcess>): <T>(what: string, work: Promise<T>, seconds?: number) => Promise<T> {
  const died = new Promise<never>((_, reject) => {
    for (const [name, child] of Object.entries(processes)) child.once('exit', (code) => reject(new Error(`the ${name} process exited (${code}) during the run`)));
  });
  died.catch(() => undefined);
  return (what, work, seconds = 300) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no end after ${seconds} s`)), seconds * 1000)));
    return Promise.race([work, died, late]).finally(() => clearTimeout(timer));
  };
}

/**
 * A local proxy in a process of its own, as in use (the source in the operator's `edgefleet
 * tunnel`, the destination in the device's agent): this file again, with BENCH_TUNNEL_PROXY set to
 * its mode, and the endpoint, token and services in the environment.
 */
async function proxyProcess(mode: 'source' | 'destination'): Promise<void> {
  const proxy = new LocalProxy({
    endpoint: process.env.BENCH_TUNNEL_ENDPOINT!,
    mode,
    accessToken: process.env.BENCH_TUNNEL_TOKEN!,
    clientToken: mode === 'destination' ? randomUUID() : undefined,
    services: JSON.parse(process.env.BENCH_TUNNEL_SERVICES!) as Record<string, ServiceAddress>,
  });
  proxy.on('ended', (err?: Error) => {
    process.stderr.write(`${mode} proxy ended: ${err?.message ?? 'the tunnel closed'}\n`);
    process.exit(1);
  });
  process.on('SIGTERM', () => void proxy.stop().then(() => process.exit(0)));
  await proxy.start();
  process.stdout.write(`${mode} proxy ready\n`);
}

/**
 * A plain TCP relay in a process of its own (this file again, BENCH_TUNNEL_PROXY=relay): each
 * connection piped to BENCH_TUNNEL_RELAY_TO and back, nothing else. Three of them in a row are the
 * tunnel's hops (source, api, destination) without its protocol: the floor of any relay on this machine.
 */
async function relayProcess(): Promise<void> {
  const to = Number(process.env.BENCH_TUNNEL_RELAY_TO);
  const server = net.createServer((socket) => {
    const next = net.connect(to, '127.0.0.1');
    for (const s of [socket, next]) {
      s.setNoDelay(true);
      s.on('error', () => (socket.destroy(), next.destroy()));
    }
    socket.pipe(next).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(Number(process.env.BENCH_TUNNEL_RELAY_PORT), '127.0.0.1', resolve));
  process.on('SIGTERM', () => process.exit(0));
  process.stdout.write('relay ready\n');
}

const ROLE = process.env.BENCH_TUNNEL_PROXY;
if (ROLE === 'relay') {
  relayProcess().catch((err: Error) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  });
} else if (ROLE === 'source' || ROLE === 'destination') {
  proxyProcess(ROLE).catch((err: Error) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  });
} else {
  bench('tunnel', async (ctx) => {
    const transferMb = ctx.quick ? 50 : 200;
    const total = transferMb * MB;
    const trips = ctx.quick ? 300 : 1000;
    const api = await ctx.start(
      'apps/api/src/main.ts',
      { EDGEFLEET_DEFAULT_ORGANIZATION: 'bench', EDGEFLEET_BOOTSTRAP_API_KEY: KEY, RATE_LIMIT_REQUESTS_PER_SECOND: '100000', RATE_LIMIT_MUTATIONS_PER_SECOND: '100000' },
      /listening/,
    );
    const { rows } = await ctx.db.query(`SELECT id FROM "Organization" WHERE name = 'bench'`);
    const organizationId: string = rows[0].id;
    // One device whose provisioning succeeded (a tunnel reaches no other), straight into the registry as support's makeDevices does.
    const deviceId = newDeviceId();
    await ctx.db.query(`INSERT INTO "Device" ("deviceId", "organizationId", name, "provisioningStatus", "deviceConnectionStatus", "updatedAt") VALUES ($1, $2, $3, 'SUCCEEDED', 'ONLINE', now())`, [
      deviceId,
      organizationId,
      `tunnel-bench-${randomUUID().slice(0, 8)}`,
    ]);
    const res = await fetch(`http://127.0.0.1:${ctx.env.API_PORT}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ query: OPEN, variables: { input: { deviceId, services: ['SINK', 'ECHO'], timeoutMinutes: 30 } } }),
    });
    const answer = (await res.json()) as { data?: { openTunnel: { sourceAccessToken: string; destinationAccessToken: string; endpoint: string } }; errors?: unknown[] };
    if (!answer.data) throw new Error(`openTunnel failed: ${JSON.stringify(answer.errors)}`);
    const opened = answer.data.openTunnel;

    // The services on the destination's side, and where the source listens for each.
    const sink = await sinkServer();
    const echo = await echoServer();
    ctx.defer(() => sink.close());
    ctx.defer(() => echo.close());
    const through = { SINK: await freePort(), ECHO: await freePort() };
    const proxy = (mode: 'source' | 'destination', token: string, services: Record<string, ServiceAddress>) =>
      ctx.start(__filename, { BENCH_TUNNEL_PROXY: mode, BENCH_TUNNEL_ENDPOINT: opened.endpoint, BENCH_TUNNEL_TOKEN: token, BENCH_TUNNEL_SERVICES: JSON.stringify(services) }, new RegExp(`${mode} proxy ready`));
    const destination = await proxy('destination', opened.destinationAccessToken, { SINK: { host: '127.0.0.1', port: sink.port }, ECHO: { host: '127.0.0.1', port: echo.port } });
    const source = await proxy('source', opened.sourceAccessToken, { SINK: { host: '127.0.0.1', port: through.SINK }, ECHO: { host: '127.0.0.1', port: through.ECHO } });
    // Three plain TCP relays in a row to the same sink: the tunnel's three hops without its protocol.
    const relayPorts = [await freePort(), await freePort(), await freePort()];
    const relays = [];
    for (let i = relayPorts.length - 1; i >= 0; i--) {
      const to = i === relayPorts.length - 1 ? sink.port : relayPorts[i + 1];
      relays.push(await ctx.start(__filename, { BENCH_TUNNEL_PROXY: 'relay', BENCH_TUNNEL_RELAY_PORT: String(relayPorts[i]), BENCH_TUNNEL_RELAY_TO: String(to) }, /relay ready/));
    }
    const guarded = watchdog({ api, source, destination, ...Object.fromEntries(relays.map((r, i) => [`relay ${i}`, r])) });

    const checked = async (what: string, port: number, bytes: number) => {
      const r = await guarded(what, transfer(sink, port, bytes));
      if (r.received !== bytes) throw new Error(`${what}: the sink received ${r.received} bytes of the ${bytes} sent`);
      return r;
    };
    // Warm-up (JIT, socket buffers, the tunnel's stream), then ROUNDS of the same transfer each way, alternating; the median of each counts.
    await checked('direct warm-up', sink.port, WARM_UP_MB * MB);
    await checked('tunnel warm-up', through.SINK, WARM_UP_MB * MB);
    await checked('relay chain warm-up', relayPorts[0], WARM_UP_MB * MB);
    const rounds: { directMBps: number; relayChainMBps: number; tunnelMBps: number; cpuPercentOfOneCore: Record<string, number> }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const direct = await checked('direct transfer', sink.port, total);
      const chain = await checked('transfer through three plain relays', relayPorts[0], total);
      const cpu = cpuMeter({ api, source, destination });
      const tunnel = await checked('transfer through the tunnel', through.SINK, total);
      rounds.push({ directMBps: round(transferMb / direct.seconds, 1), relayChainMBps: round(transferMb / chain.seconds, 1), tunnelMBps: round(transferMb / tunnel.seconds, 1), cpuPercentOfOneCore: cpu.stop() });
    }
    const directMBps = median(rounds.map((r) => r.directMBps));
    const relayChainMBps = median(rounds.map((r) => r.relayChainMBps));
    const tunnelMBps = median(rounds.map((r) => r.tunnelMBps));
    const ratio = round(tunnelMBps / directMBps);

    const directTrips = await guarded('direct round trips', roundTrips(echo.port, trips));
    const tunnelTrips = await guarded('round trips through the tunnel', roundTrips(through.ECHO, trips));
    if (directTrips.wrong + tunnelTrips.wrong > 0) throw new Error(`round trips that did not come back whole: ${directTrips.wrong} direct, ${tunnelTrips.wrong} through the tunnel`);
    const [direct, tunnel] = [latency(directTrips.ms), latency(tunnelTrips.ms)];

    return {
      benchmark: 'tunnel',
      devices: DEVICES,
      measured: {
        throughputMBps: tunnelMBps,
        latencyMs: { tunnel, direct, added: { p50: round(tunnel.p50 - direct.p50, 3), p99: round(tunnel.p99 - direct.p99, 3) } },
      },
      baseline: { what: `the same ${transferMb} MB transfer over a direct loopback TCP connection, in the same run`, value: directMBps, unit: 'MB/s' },
      ratio,
      // The same transfer through three plain TCP relays (the tunnel's hops, no protocol): what any three-hop relay gets here.
      relayChain: { MBps: relayChainMBps, ratioToDirect: round(relayChainMBps / directMBps), tunnelRatioToIt: round(tunnelMBps / relayChainMBps) },
      target: { ratio: TARGET_RATIO },
      met: ratio >= TARGET_RATIO,
      lost: 0,
      // Medians of the rounds; each round's CPU is of its tunnel transfer: the api (the relay), each proxy, and "load", this process (the client and the sink).
      transfer: { mb: transferMb, chunkBytes: CHUNK, warmUpMb: WARM_UP_MB, rounds },
      roundTrips: { count: trips, warmUp: WARM_UP_TRIPS, messageBytes: MESSAGE_BYTES },
    };
  });
}
