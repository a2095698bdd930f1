import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { TUNNEL_SUBPROTOCOLS, TunnelFrameReader, TunnelMessageType as T, decodeTunnelMessage, encodeTunnelFrame } from '@edgefleet/contracts';
import { PrismaService } from '@edgefleet/db';
import { codeOf, dataOf, errorOf, freePort, gql, newKey, newOrganization, seedDevice, type TestOrganization } from '@edgefleet/e2e-support';
import { LocalProxy } from '@edgefleet/local-proxy';
import { type RunningApi, startApi } from '../test/start-api';

const run = promisify(execFile);
const OPEN = `mutation ($input: OpenTunnelInput!) { openTunnel(input: $input) { sourceAccessToken destinationAccessToken endpoint tunnel { tunnelId tunnelArn status services deviceId expiresAt } } }`;
const ROTATE = `mutation ($id: ID!, $mode: TunnelClientMode!) { rotateTunnelAccessToken(tunnelId: $id, clientMode: $mode) { sourceAccessToken destinationAccessToken tunnel { status } } }`;
const DESCRIBE = `query ($id: ID!) { tunnel(tunnelId: $id) { status sourceConnectionState { status } destinationConnectionState { status } } }`;

/** A TCP service that answers each byte with the same byte. */
async function echoServer(): Promise<{ port: number; close: () => void }> {
  const server = net.createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

/** Sends `data` through a TCP connection to `port` and reads as many bytes back. */
function roundTrip(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let got = 0;
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= data.length) {
        socket.end();
        resolve(Buffer.concat(chunks));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => got < data.length && reject(new Error(`closed after ${got} of ${data.length} bytes`)));
    socket.write(data);
  });
}

/**
 * A WebSocket handshake as a local proxy makes it: the HTTP status it got (101 when it joined), and
 * once joined, `next()` for the messages the endpoint sends (kept from the start, none missed).
 */
function handshake(url: string, mode: string, headers: Record<string, string>, protocols: string[] = [...TUNNEL_SUBPROTOCOLS]): Promise<{ status: number; body: string; ws?: WebSocket; next?: () => Promise<Buffer> }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/tunnel?local-proxy-mode=${mode}`, protocols, { headers });
    const received: Buffer[] = [];
    const waiting: ((message: Buffer) => void)[] = [];
    ws.on('message', (message: Buffer) => (waiting.length ? waiting.shift()!(message) : received.push(message)));
    const next = () => (received.length ? Promise.resolve(received.shift()!) : new Promise<Buffer>((r) => waiting.push(r)));
    ws.on('open', () => resolve({ status: 101, body: '', ws, next }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', () => undefined);
  });
}

describe('secure tunnels: OpenTunnel and the tunneling endpoint (AWS IoT secure tunneling protocol)', () => {
  let api: RunningApi;
  let prisma: PrismaService;
  let org: TestOrganization;
  let operator: string;
  let deviceId: string;
  let echo: { port: number; close: () => void };
  const proxies: LocalProxy[] = [];

  async function open(services = ['SSH'], key = operator, device = deviceId) {
    return gql(api.url, key, OPEN, { input: { deviceId: device, services, timeoutMinutes: 30 } });
  }
  async function proxyPair(opened: { sourceAccessToken: string; destinationAccessToken: string; endpoint: string }, destinationServices: Record<string, { host: string; port: number }> = { SSH: { host: '127.0.0.1', port: echo.port } }, sourceServices = ['SSH']) {
    const destination = new LocalProxy({ endpoint: opened.endpoint, mode: 'destination', accessToken: opened.destinationAccessToken, clientToken: randomUUID(), services: destinationServices });
    const source = new LocalProxy({ endpoint: opened.endpoint, mode: 'source', accessToken: opened.sourceAccessToken, services: Object.fromEntries(sourceServices.map((s) => [s, { host: '127.0.0.1', port: 0 }])) });
    proxies.push(destination, source);
    await destination.start();
    await source.start();
    return { source, destination };
  }

  beforeAll(async () => {
    api = await startApi({ API_PORT: String(await freePort()) });
    prisma = api.app.get(PrismaService);
    org = await newOrganization(api);
    operator = await newKey(api, org, 'OPERATOR');
    deviceId = (await seedDevice(api, org)).deviceId;
    await prisma.device.update({ where: { deviceId }, data: { provisioningStatus: 'SUCCEEDED' } });
    echo = await echoServer();
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.stop()));
    echo?.close();
    await api?.app.close();
  });

  it('carries two TCP connections at once through one tunnel, byte for byte, and shows both sides connected', async () => {
    const opened = dataOf(await open()).openTunnel;
    expect(opened.tunnel).toMatchObject({ status: 'OPEN', services: ['SSH'], deviceId, tunnelArn: expect.stringMatching(/^arn:aws:iot:[a-z0-9-]+:\d{12}:tunnel\//) });
    expect(opened.endpoint).toBe(api.url.replace(/^http/, 'ws'));
    // Only hashes are stored.
    const row = await prisma.tunnel.findUniqueOrThrow({ where: { tunnelId: opened.tunnel.tunnelId } });
    expect(JSON.stringify(row)).not.toContain(opened.sourceAccessToken);
    expect(row.sourceTokenHash).toBe(createHash('sha256').update(opened.sourceAccessToken).digest('hex'));

    const { source } = await proxyPair(opened);
    const port = source.ports().SSH;
    const [a, b] = [randomBytes(3 * 1024 * 1024), randomBytes(200 * 1024)];
    const [backA, backB] = await Promise.all([roundTrip(port, a), roundTrip(port, b)]);
    expect(backA.equals(a)).toBe(true);
    expect(backB.equals(b)).toBe(true);
    const state = dataOf(await gql(api.url, operator, DESCRIBE, { id: opened.tunnel.tunnelId })).tunnel;
    expect(state).toEqual({ status: 'OPEN', sourceConnectionState: { status: 'CONNECTED' }, destinationConnectionState: { status: 'CONNECTED' } });
  });

  it('refuses a spent token, the other side\'s token, an unknown one, another client token, and a closed or expired tunnel', async () => {
    const opened = dataOf(await open()).openTunnel;
    const clientToken = randomUUID();
    const first = await handshake(api.url, 'destination', { 'access-token': opened.destinationAccessToken, 'client-token': clientToken });
    expect(first.status).toBe(101);
    first.ws!.close();
    // Bound to its client token: the same one rejoins, another does not.
    expect((await handshake(api.url, 'destination', { 'access-token': opened.destinationAccessToken, 'client-token': clientToken })).status).toBe(101);
    const other = await handshake(api.url, 'destination', { 'access-token': opened.destinationAccessToken, 'client-token': randomUUID() });
    expect(other).toMatchObject({ status: 401, body: expect.stringMatching(/bound to another client token/) });
    // Without a client token a token joins once.
    const once = await handshake(api.url, 'source', { 'access-token': opened.sourceAccessToken });
    expect(once.status).toBe(101);
    once.ws!.close();
    expect(await handshake(api.url, 'source', { 'access-token': opened.sourceAccessToken })).toMatchObject({ status: 401, body: expect.stringMatching(/already used/) });
    const fresh = dataOf(await open()).openTunnel;
    expect(await handshake(api.url, 'destination', { 'access-token': fresh.sourceAccessToken })).toMatchObject({ status: 401, body: expect.stringMatching(/local-proxy-mode=source/) });
    expect(await handshake(api.url, 'source', { 'access-token': `eft_${randomBytes(32).toString('base64url')}` })).toMatchObject({ status: 401, body: expect.stringMatching(/not valid/) });
    expect(await handshake(api.url, 'source', {})).toMatchObject({ status: 401 });
    expect(await handshake(api.url, 'source', { 'access-token': fresh.sourceAccessToken }, ['graphql-transport-ws'])).toMatchObject({ status: 400, body: expect.stringMatching(/securetunneling-3\.0/) });
    expect(await handshake(api.url, 'both', { 'access-token': fresh.sourceAccessToken })).toMatchObject({ status: 400 });
    expect(await handshake(api.url, 'source', { 'access-token': fresh.sourceAccessToken, 'client-token': 'short' })).toMatchObject({ status: 400 });
    // Closed: nothing joins; an OPEN tunnel past its lifetime reads as CLOSED and refuses too.
    dataOf(await gql(api.url, operator, `mutation ($id: ID!) { closeTunnel(tunnelId: $id) { status closedAt } }`, { id: fresh.tunnel.tunnelId }));
    expect(await handshake(api.url, 'source', { 'access-token': fresh.sourceAccessToken })).toMatchObject({ status: 410, body: expect.stringMatching(/closed/) });
    const expiring = dataOf(await open()).openTunnel;
    await prisma.tunnel.update({ where: { tunnelId: expiring.tunnel.tunnelId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await handshake(api.url, 'source', { 'access-token': expiring.sourceAccessToken })).toMatchObject({ status: 410, body: expect.stringMatching(/lifetime ended/) });
    expect(dataOf(await gql(api.url, operator, DESCRIBE, { id: expiring.tunnel.tunnelId })).tunnel.status).toBe('CLOSED');
  });

  it('closing a tunnel cuts its live streams at once', async () => {
    const opened = dataOf(await open()).openTunnel;
    const { source } = await proxyPair(opened);
    const socket = net.connect(source.ports().SSH, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('ping');
    await new Promise((resolve) => socket.once('data', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    const at = Date.now();
    expect(dataOf(await gql(api.url, operator, `mutation ($id: ID!) { closeTunnel(tunnelId: $id) { status } }`, { id: opened.tunnel.tunnelId })).closeTunnel.status).toBe('CLOSED');
    expect((await closed) - at).toBeLessThan(1000);
    const state = dataOf(await gql(api.url, operator, DESCRIBE, { id: opened.tunnel.tunnelId })).tunnel;
    expect(state).toEqual({ status: 'CLOSED', sourceConnectionState: { status: 'DISCONNECTED' }, destinationConnectionState: { status: 'DISCONNECTED' } });
  });

  it('a destination resets a stream to a service it does not serve; the source connection closes', async () => {
    const opened = dataOf(await open(['SSH', 'HTTP'])).openTunnel;
    const refused: string[] = [];
    const { source, destination } = await proxyPair(opened, { SSH: { host: '127.0.0.1', port: echo.port } }, ['HTTP']);
    destination.on('refused', (s: string) => refused.push(s));
    const socket = net.connect(source.ports().HTTP, '127.0.0.1');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(refused).toEqual(['HTTP']);
  });

  it("rotating a side's token cuts its connection: the new token joins, the old one no more; a closed tunnel is not rotated", async () => {
    const opened = dataOf(await open()).openTunnel;
    const { source, destination } = await proxyPair(opened);
    const ended = new Promise<Error | undefined>((resolve) => destination.once('ended', resolve));
    const rotated = dataOf(await gql(api.url, operator, ROTATE, { id: opened.tunnel.tunnelId, mode: 'DESTINATION' })).rotateTunnelAccessToken;
    expect(rotated).toEqual({ sourceAccessToken: null, destinationAccessToken: expect.stringMatching(/^eft_/), tunnel: { status: 'OPEN' } });
    // The old destination was cut, tried to rejoin with its client token, and was refused for good.
    expect((await ended)?.message).toMatch(/HTTP 401/);
    expect((await handshake(api.url, 'destination', { 'access-token': opened.destinationAccessToken })).status).toBe(401);
    const again = new LocalProxy({ endpoint: opened.endpoint, mode: 'destination', accessToken: rotated.destinationAccessToken, clientToken: randomUUID(), services: { SSH: { host: '127.0.0.1', port: echo.port } } });
    proxies.push(again);
    await again.start();
    const data = randomBytes(200_000);
    expect((await roundTrip(source.ports().SSH, data)).equals(data)).toBe(true);
    await gql(api.url, operator, 'mutation ($id: ID!) { closeTunnel(tunnelId: $id) { status } }', { id: opened.tunnel.tunnelId });
    expect(errorOf(await gql(api.url, operator, ROTATE, { id: opened.tunnel.tunnelId, mode: 'ALL' }))).toMatchObject({ extensions: { code: 'CONFLICT', reason: 'TUNNEL_CLOSED' } });
  });

  it('closes the connection of a proxy that breaks the protocol', async () => {
    const opened = dataOf(await open()).openTunnel;
    const { ws, next } = await handshake(api.url, 'destination', { 'access-token': opened.destinationAccessToken });
    const reader = new TunnelFrameReader();
    const first = await next!();
    expect(decodeTunnelMessage(reader.push(first).frames[0])).toMatchObject({ type: T.SERVICE_IDS, availableServiceIds: ['SSH'] });
    const code = new Promise<[number, string]>((resolve) => ws!.once('close', (c: number, r: Buffer) => resolve([c, r.toString()])));
    ws!.send(encodeTunnelFrame({ type: T.STREAM_START, streamId: 1, serviceId: 'SSH' }));
    expect(await code).toEqual([1008, 'only the source starts streams']);

    // A source: a negative stream id, an unknown service, a WebSocket frame over the protocol's largest.
    const closedWith = async (message: Buffer) => {
      const source = (await handshake(api.url, 'source', { 'access-token': dataOf(await open()).openTunnel.sourceAccessToken })).ws!;
      const closed = new Promise<[number, string]>((resolve) => source.once('close', (c: number, r: Buffer) => resolve([c, r.toString()])));
      source.send(message);
      return closed;
    };
    expect(await closedWith(encodeTunnelFrame({ type: T.STREAM_START, streamId: -1, serviceId: 'SSH', connectionId: 1 }))).toEqual([1008, 'stream messages need a positive stream id']);
    expect(await closedWith(encodeTunnelFrame({ type: T.STREAM_START, streamId: 1, serviceId: 'x'.repeat(200), connectionId: 1 }))).toEqual([1008, `service "${'x'.repeat(40)}" is not one of this tunnel's`]);
    expect(await closedWith(Buffer.concat(Array.from({ length: 3 }, () => encodeTunnelFrame({ type: T.DATA, streamId: 1, payload: Buffer.alloc(60_000), connectionId: 1 }))))).toEqual([1009, 'a WebSocket frame is at most 131076 bytes']);
  });

  it('cuts the sides of a tunnel closed elsewhere (another api process) within seconds', async () => {
    const opened = dataOf(await open()).openTunnel;
    const { source, destination } = await proxyPair(opened);
    const ended = Promise.all([source, destination].map((p) => new Promise((resolve) => p.once('ended', resolve))));
    const started = Date.now();
    await prisma.tunnel.update({ where: { tunnelId: opened.tunnel.tunnelId }, data: { status: 'CLOSED', closedAt: new Date() } });
    await ended;
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("takes a V2 source's stream (no connection ids), and a connection of a stream the destination lost as a new stream", async () => {
    const opened = dataOf(await open()).openTunnel;
    const destination = new LocalProxy({ endpoint: opened.endpoint, mode: 'destination', accessToken: opened.destinationAccessToken, clientToken: randomUUID(), services: { SSH: { host: '127.0.0.1', port: echo.port } } });
    proxies.push(destination);
    await destination.start();
    const { ws, next } = await handshake(api.url, 'source', { 'access-token': opened.sourceAccessToken });
    const reader = new TunnelFrameReader();
    const messages = async function* () {
      for (;;) for (const f of reader.push(await next!()).frames) yield decodeTunnelMessage(f);
    };
    const read = messages();
    expect((await read.next()).value).toMatchObject({ type: T.SERVICE_IDS });
    // V2: STREAM_START without a connection id; the echo's bytes come back without one.
    ws!.send(Buffer.concat([encodeTunnelFrame({ type: T.STREAM_START, streamId: 3, serviceId: 'SSH' }), encodeTunnelFrame({ type: T.DATA, streamId: 3, serviceId: 'SSH', payload: Buffer.from('v2') })]));
    expect((await read.next()).value).toMatchObject({ type: T.DATA, streamId: 3, connectionId: 0, payload: Buffer.from('v2') });
    // V3: a CONNECTION_START on a stream the destination does not know (it rejoined since): served as a new stream.
    ws!.send(Buffer.concat([encodeTunnelFrame({ type: T.CONNECTION_START, streamId: 9, serviceId: 'SSH', connectionId: 4 }), encodeTunnelFrame({ type: T.DATA, streamId: 9, serviceId: 'SSH', connectionId: 4, payload: Buffer.from('v3') })]));
    expect((await read.next()).value).toMatchObject({ type: T.DATA, streamId: 9, connectionId: 4, payload: Buffer.from('v3') });
    ws!.close();
  });

  it('is for OPERATOR and ADMIN keys of the device\'s organization, and checks what it is given', async () => {
    const viewer = await newKey(api, org, 'VIEWER');
    expect(codeOf(await open(['SSH'], viewer))).toBe('FORBIDDEN');
    const stranger = await newOrganization(api);
    expect(codeOf(await open(['SSH'], stranger.adminKey))).toBe('NOT_FOUND');
    expect(codeOf(await gql(api.url, stranger.adminKey, `{ tunnels { edges { node { tunnelId } } } }`))).toBeUndefined();
    expect(dataOf(await gql(api.url, stranger.adminKey, `{ tunnels { edges { node { tunnelId } } } }`)).tunnels.edges).toEqual([]);
    expect(errorOf(await open(['SSH', 'SSH']))).toMatchObject({ extensions: { code: 'VALIDATION_FAILED' } });
    expect(errorOf(await open(['no spaces']))).toMatchObject({ extensions: { code: 'VALIDATION_FAILED' } });
    expect(errorOf(await gql(api.url, operator, OPEN, { input: { deviceId, services: ['SSH'], timeoutMinutes: 721 } }))).toMatchObject({ extensions: { code: 'VALIDATION_FAILED' } });
    const unprovisioned = (await seedDevice(api, org)).deviceId;
    expect(errorOf(await open(['SSH'], operator, unprovisioned))).toMatchObject({ extensions: { code: 'CONFLICT', reason: 'DEVICE_NOT_PROVISIONED' } });
    const audit = await prisma.auditEvent.findMany({ where: { organizationId: org.organizationId, action: { startsWith: 'tunnel.' } } });
    expect(new Set(audit.map((a) => a.action))).toEqual(new Set(['tunnel.open', 'tunnel.connect', 'tunnel.rotate', 'tunnel.close']));
    expect(JSON.stringify(audit.map((a) => [a.action, a.details]))).not.toMatch(/eft_/);
  });

  it("serves the aws CLI's iotsecuretunneling commands", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'edgefleet-tunnels-'));
    const key = dataOf(await gql(api.url, org.adminKey, 'mutation { createAccessKey(input: {name: "tunnels", role: OPERATOR}) { accessKeyId secretAccessKey } }')).createAccessKey;
    const env = { PATH: process.env.PATH, HOME: dir, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ENDPOINT_URL_IOTSECURETUNNELING: `${api.url}/iotsecuretunneling` };
    const aws = async (...args: string[]) => JSON.parse((await run('aws', ['iotsecuretunneling', ...args, '--output', 'json'], { env })).stdout || '{}');
    const opened = await aws('open-tunnel', '--destination-config', `thingName=${deviceId},services=SSH`, '--timeout-config', 'maxLifetimeTimeoutMinutes=10', '--description', 'from the aws CLI');
    expect(opened).toEqual({ tunnelId: expect.any(String), tunnelArn: expect.stringContaining(opened.tunnelId), sourceAccessToken: expect.stringMatching(/^eft_/), destinationAccessToken: expect.stringMatching(/^eft_/) });
    const described = (await aws('describe-tunnel', '--tunnel-id', opened.tunnelId)).tunnel;
    expect(described).toMatchObject({ tunnelId: opened.tunnelId, status: 'OPEN', description: 'from the aws CLI', destinationConfig: { thingName: deviceId, services: ['SSH'] }, timeoutConfig: { maxLifetimeTimeoutMinutes: 10 }, sourceConnectionState: { status: 'DISCONNECTED' } });
    expect((await aws('list-tunnels', '--thing-name', deviceId)).tunnelSummaries.map((t: { tunnelId: string }) => t.tunnelId)).toContain(opened.tunnelId);
    const rotated = await aws('rotate-tunnel-access-token', '--tunnel-id', opened.tunnelId, '--client-mode', 'SOURCE');
    expect(rotated).toEqual({ tunnelArn: opened.tunnelArn, sourceAccessToken: expect.stringMatching(/^eft_/) });
    await aws('close-tunnel', '--tunnel-id', opened.tunnelId);
    expect((await aws('describe-tunnel', '--tunnel-id', opened.tunnelId)).tunnel.status).toBe('CLOSED');
    await expect(run('aws', ['iotsecuretunneling', 'describe-tunnel', '--tunnel-id', randomUUID()], { env })).rejects.toMatchObject({ stderr: expect.stringMatching(/ResourceNotFoundException/) });
  });
});
