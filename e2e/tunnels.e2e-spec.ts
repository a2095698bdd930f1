import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { CreateApiKeyDocument, CreateOrganizationDocument } from '@edgefleet/client';
import { type AppProcess, ROOT, type Stack, dataOf, freePort, gql, startApp, startStack, until, waitForOutput } from './support';

jest.setTimeout(300_000);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Secure tunnels as an operator uses them: a real sshd (Debian's OpenSSH, on a free 127.0.0.1
 * port) behind a real edge agent, reached with the real ssh and scp clients through `edgefleet
 * tunnel` and `edgefleet ssh` — every app its own process.
 */
describe('secure tunnels: ssh and scp to a device through EdgeFleet, end to end', () => {
  let stack: Stack;
  let dir: string;
  let sshPort: number;
  let sshd: ChildProcess;
  let agent: AppProcess;
  let deviceId: string;
  let agentArgs: string[];
  const user = userInfo().username;
  const installationKey = `efi_${randomBytes(24).toString('base64url')}`;
  const cli = path.join(ROOT, 'apps/cli/bin/edgefleet.js');
  const cliEnv = (key = stack.key) => ({ ...process.env, NODE_OPTIONS: '', EDGEFLEET_ENDPOINT: stack.url, EDGEFLEET_API_KEY: key, EDGEFLEET_CONFIG_FILE: path.join(dir, 'no-profile.json') });
  /** The ssh client's options for this sshd: our key, a known_hosts of the test's own, no prompts. */
  const sshOptions = () => ['-i', path.join(dir, 'id_ed25519'), '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${path.join(dir, 'known_hosts')}`, '-o', 'StrictHostKeyChecking=accept-new', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR'];

  /** `edgefleet …` to its end; never throws on a non-zero exit. */
  const edgefleet = (args: string[], key?: string): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [cli, ...args], { cwd: dir, env: cliEnv(key), timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  /** A program to its end, with its exit code and output. */
  const run = (file: string, args: string[]): Promise<Run> =>
    new Promise((resolve) => execFile(file, args, { timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })));
  /** `edgefleet tunnel` left running, once it listens: its local port and tunnel id. */
  async function openTunnel(args: string[] = []): Promise<{ port: number; tunnelId: string; process: ChildProcess; output: () => string; exited: Promise<number | null> }> {
    const child = spawn(process.execPath, [cli, 'tunnel', deviceId, '--local-port', '0', ...args], { cwd: dir, env: cliEnv() });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    let m: RegExpMatchArray | null = null;
    while (!(m = out.match(/Tunnel ID:\s+(\S+)[\s\S]*Listening on:\s+127\.0\.0\.1:(\d+)/)) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    if (!m) throw new Error(`edgefleet tunnel did not listen: ${out}`);
    return { port: Number(m[2]), tunnelId: m[1], process: child, output: () => out, exited };
  }
  const ssh = (port: number, ...command: string[]) => run('ssh', ['-p', String(port), ...sshOptions(), `${user}@127.0.0.1`, ...command]);
  const tunnel = (tunnelId: string) => gql(stack.url, stack.key, 'query ($id: ID!) { tunnel(tunnelId: $id) { status openedBy sourceConnectionState { status } destinationConnectionState { status } } }', { id: tunnelId }).then((r) => dataOf(r).tunnel);

  beforeAll(async () => {
    stack = await startStack('tunnels', { EDGEFLEET_INSTALLATION_ADMIN_KEY: installationKey });
    dir = stack.dir;
    // sshd with a host key of its own, our public key authorized, on a free loopback port.
    for (const key of ['host_ed25519', 'id_ed25519']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', key, '-f', path.join(dir, key)]);
    writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'id_ed25519.pub')));
    sshPort = await freePort();
    if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    writeFileSync(
      path.join(dir, 'sshd_config'),
      [`Port ${sshPort}`, 'ListenAddress 127.0.0.1', `HostKey ${path.join(dir, 'host_ed25519')}`, `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`, `PidFile ${path.join(dir, 'sshd.pid')}`,
        'StrictModes no', 'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'Subsystem sftp internal-sftp', ''].join('\n'),
    );
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let sshdLog = '';
    sshd.stderr!.on('data', (d) => (sshdLog += d));
    await until(() => new Promise<boolean>((resolve) => net.connect(sshPort, '127.0.0.1').on('connect', function (this: net.Socket) { this.destroy(); resolve(true); }).on('error', () => resolve(false))), Boolean, 15_000).catch(() => {
      throw new Error(`sshd did not start: ${sshdLog}`);
    });

    // A real agent that allows SSH (to that sshd) and nothing else.
    const provisioned = dataOf(await gql(stack.url, stack.key, 'mutation { provisionDevice(input: {name: "remote-cam"}) { deviceId certificates } }')).provisionDevice;
    deviceId = provisioned.deviceId;
    const zip = path.join(dir, 'remote-cam.zip');
    writeFileSync(zip, Buffer.from(provisioned.certificates, 'base64'));
    agentArgs = ['--data-dir', path.join(dir, 'agent'), '--tunnel-endpoint', stack.url.replace(/^http/, 'ws'), '--tunnel-service', `SSH=127.0.0.1:${sshPort}`];
    agent = startApp('edge-agent', { LOG_LEVEL: 'info' }, ['--bundle', zip, ...agentArgs]);
    stack.running.push(agent);
    await until(() => gql(stack.url, stack.key, 'query ($id: ID!) { device(deviceId: $id) { deviceConnectionStatus } }', { id: deviceId }).then((r) => dataOf(r).device), (d) => d.deviceConnectionStatus === 'ONLINE');
  });
  afterAll(async () => {
    sshd?.kill();
    await stack?.stop();
  });

  it('edgefleet ssh runs a command on the device with the real ssh client, and ends with its exit code', async () => {
    const hello = await edgefleet(['ssh', deviceId, '--user', user, '--', ...sshOptions(), 'echo', 'hello from', '$(hostname)']);
    expect(hello).toMatchObject({ code: 0, stdout: `hello from ${execFileSync('hostname', { encoding: 'utf8' }).trim()}\n` });
    expect(hello.stderr).toMatch(/Tunnel \S+ is open; waiting for/);
    expect((await edgefleet(['ssh', deviceId, '--user', user, '--', ...sshOptions(), 'exit', '7'])).code).toBe(7);
    // Each ssh closed its tunnel behind it; the list shows who opened them.
    const listed = JSON.parse((await edgefleet(['tunnels', 'list', '--device', deviceId, '-o', 'json'])).stdout);
    expect(listed).toHaveLength(2);
    expect(listed.every((t: { status: string; openedBy: string }) => t.status === 'CLOSED' && /^apiKey:/.test(t.openedBy))).toBe(true);
    // The agent's log says it joined; no token is in it.
    expect(agent.output()).toMatch(/tunnel: joined as the destination/);
    expect(agent.output()).not.toMatch(/eft_/);
  });

  it('edgefleet tunnel carries scp both ways and two streams at once; closing it cuts live sessions within a second', async () => {
    const t = await openTunnel();
    expect(await tunnel(t.tunnelId)).toMatchObject({ status: 'OPEN', sourceConnectionState: { status: 'CONNECTED' }, destinationConnectionState: { status: 'CONNECTED' } });
    const up = path.join(dir, 'up.bin');
    const payload = randomBytes(3 * 1024 * 1024);
    writeFileSync(up, payload);
    const scp = (...args: string[]) => run('scp', ['-P', String(t.port), ...sshOptions(), ...args]);
    // Two streams at once: a session that waits, and a copy to the device.
    const [slow, copied] = await Promise.all([ssh(t.port, 'sleep 1; echo slow done'), scp(up, `${user}@127.0.0.1:${path.join(dir, 'on-device.bin')}`)]);
    expect(slow).toMatchObject({ code: 0, stdout: 'slow done\n' });
    expect(copied.code).toBe(0);
    expect(readFileSync(path.join(dir, 'on-device.bin')).equals(payload)).toBe(true);
    // And back.
    expect((await scp(`${user}@127.0.0.1:${path.join(dir, 'on-device.bin')}`, path.join(dir, 'down.bin'))).code).toBe(0);
    expect(readFileSync(path.join(dir, 'down.bin')).equals(payload)).toBe(true);

    // A live session, then the tunnel closed from elsewhere: the session ends at once, and so does edgefleet tunnel.
    const live = spawn('ssh', ['-p', String(t.port), ...sshOptions(), `${user}@127.0.0.1`, 'echo started; sleep 60']);
    await new Promise<void>((resolve) => live.stdout.on('data', (d: Buffer) => d.toString().includes('started') && resolve()));
    const ended = new Promise<number>((resolve) => live.on('exit', () => resolve(Date.now())));
    const closed = await edgefleet(['tunnels', 'close', t.tunnelId]);
    const closedAt = Date.now();
    expect(closed.code).toBe(0);
    expect((await ended) - closedAt).toBeLessThan(1000);
    expect(await t.exited).toBe(0);
    expect(t.output()).toMatch(/closed \(the tunnel ended/);
    expect((await tunnel(t.tunnelId)).status).toBe('CLOSED');
  });

  it('the agent, restarted, rejoins an open tunnel; one opened while it was offline is brought in by rotating its destination token', async () => {
    const t = await openTunnel();
    expect((await ssh(t.port, 'echo before')).stdout).toBe('before\n');
    await agent.stop();
    await until(() => tunnel(t.tunnelId), (d) => d.destinationConnectionState.status === 'DISCONNECTED');
    // Opened while the device is offline: its notification reaches nobody.
    const missed = dataOf(await gql(stack.url, stack.key, 'mutation ($d: ID!) { openTunnel(input: {deviceId: $d, services: ["SSH"]}) { tunnel { tunnelId } } }', { d: deviceId })).openTunnel.tunnel.tunnelId;
    agent = startApp('edge-agent', { LOG_LEVEL: 'info' }, agentArgs);
    stack.running.push(agent);
    await waitForOutput(agent, /tunnel: joined as the destination/, 30_000);
    await until(() => tunnel(t.tunnelId), (d) => d.destinationConnectionState.status === 'CONNECTED');
    expect((await ssh(t.port, 'echo after')).stdout).toBe('after\n');
    expect((await tunnel(missed)).destinationConnectionState.status).toBe('DISCONNECTED');
    const rotated = await edgefleet(['tunnels', 'rotate', missed]);
    expect(rotated).toMatchObject({ code: 0, stdout: expect.stringMatching(/SOURCE TOKEN:\s+\(unchanged\)/) });
    await until(() => tunnel(missed), (d) => d.destinationConnectionState.status === 'CONNECTED');
    expect((await edgefleet(['tunnels', 'close', missed])).code).toBe(0);
    t.process.kill('SIGINT');
    expect(await t.exited).toBe(0);
    expect((await tunnel(t.tunnelId)).status).toBe('CLOSED');
  });

  it('refuses a service the device does not allow, a VIEWER, and another organization', async () => {
    // The tunnel opens and the agent joins, but a stream to VNC is reset: the device's configuration allows SSH only.
    const t = await openTunnel(['--service', 'VNC']);
    const got = await new Promise<string>((resolve) => {
      const socket = net.connect(t.port, '127.0.0.1');
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('close', () => resolve(data));
      socket.on('error', () => undefined);
    });
    expect(got).toBe('');
    await waitForOutput(agent, /"service":"VNC".*tunnel: refused a stream to a service this device does not allow/);
    t.process.kill('SIGINT');
    await t.exited;

    const viewer = dataOf(await gql(stack.url, stack.key, CreateApiKeyDocument, { input: { name: 'viewer', role: 'VIEWER' } })).createApiKey.secret;
    const refused = await edgefleet(['tunnel', deviceId], viewer);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: FORBIDDEN/);
    const stranger = dataOf(await gql(stack.url, installationKey, CreateOrganizationDocument, { name: 'stranger' })).createOrganization.adminApiKey;
    const foreign = await edgefleet(['ssh', deviceId], stranger);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/^error: NOT_FOUND/);
  });
});
