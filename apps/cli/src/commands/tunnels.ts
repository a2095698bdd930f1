import { type Command, Option } from 'commander';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { CloseTunnelDocument, OpenTunnelDocument, RotateTunnelAccessTokenDocument, TunnelDocument, type TunnelFieldsFragment, TunnelsDocument } from '@edgefleet/client';
import { LocalProxy } from '@edgefleet/local-proxy';
import { type Context, action, integer } from '../context';
import { CliError, EXIT } from '../errors';
import type { Column } from '../output';

const TUNNEL_COLUMNS: Column<TunnelFieldsFragment>[] = [
  ['TUNNEL ID', (t) => t.tunnelId],
  ['DEVICE', (t) => t.deviceId],
  ['SERVICES', (t) => t.services.join(',')],
  ['STATUS', (t) => t.status],
  ['SOURCE', (t) => t.sourceConnectionState.status],
  ['DEVICE SIDE', (t) => t.destinationConnectionState.status],
  ['OPENED BY', (t) => t.openedBy],
  ['EXPIRES', (t) => t.expiresAt],
];

const POLL_MS = 250;

interface TunnelOptions {
  service: string;
  localPort: number;
  timeout: number;
  wait: number;
  description?: string;
}

/** An open tunnel with this machine's side listening on 127.0.0.1, the device's side joined. */
interface Listening {
  tunnel: TunnelFieldsFragment;
  port: number;
  proxy: LocalProxy;
  /** Leaves and closes the tunnel (every stream is cut); once. */
  close: () => Promise<void>;
}

/**
 * Opens a tunnel to `deviceId`, listens for the service on 127.0.0.1 (a local proxy in source mode,
 * with a client token of its own so it rejoins after a network blip), and waits for the device's
 * agent to join. Anything that fails on the way closes the tunnel again.
 */
async function openAndListen(ctx: Context, deviceId: string, o: TunnelOptions, interrupted: () => NodeJS.Signals | undefined): Promise<Listening> {
  const { openTunnel: opened } = await ctx.api.data(OpenTunnelDocument, { input: { deviceId, services: [o.service], timeoutMinutes: o.timeout, description: o.description } });
  const { tunnelId } = opened.tunnel;
  const proxy = new LocalProxy({
    endpoint: opened.endpoint,
    mode: 'source',
    accessToken: opened.sourceAccessToken,
    clientToken: randomUUID(),
    services: { [o.service]: { host: '127.0.0.1', port: o.localPort } },
    log: (_level, message, details) => ctx.out.note(`${message}${details ? ` ${JSON.stringify(details)}` : ''}`),
  });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await proxy.stop();
      await ctx.api.data(CloseTunnelDocument, { tunnelId, delete: false }).catch((err: Error) => ctx.out.note(`warning: tunnel ${tunnelId} may still be open (${err.message}): close it with  edgefleet tunnels close ${tunnelId}`));
    })());
  try {
    await proxy.start().catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') throw new CliError(`127.0.0.1:${o.localPort} is in use: pick another --local-port (0 takes a free one).`, EXIT.USAGE);
      throw new CliError(`cannot join the tunnel at ${opened.endpoint}: ${err.message}`, EXIT.UNREACHABLE);
    });
    ctx.out.note(`Tunnel ${tunnelId} is open; waiting for ${deviceId} to join…`);
    const deadline = Date.now() + o.wait * 1000;
    for (;;) {
      const signal = interrupted();
      if (signal) throw new CliError(`stopped (${signal}) before ${deviceId} joined tunnel ${tunnelId}; the tunnel is closed.`, EXIT.FAILED);
      const { tunnel } = await ctx.api.data(TunnelDocument, { tunnelId });
      if (tunnel.destinationConnectionState.status === 'CONNECTED') return { tunnel, port: proxy.ports()[o.service], proxy, close };
      if (tunnel.status !== 'OPEN') throw new CliError(`tunnel ${tunnelId} closed before ${deviceId} joined it.`, EXIT.FAILED);
      if (Date.now() > deadline) {
        throw new CliError(`${deviceId} did not join tunnel ${tunnelId} within ${o.wait} s: is its agent online, does it allow ${o.service}, and does it know the tunneling endpoint (edge-agent --tunnel-endpoint ${opened.endpoint})?`, EXIT.FAILED);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Listens for the signals that end a command (Ctrl-C, kill, a closed terminal) from before the
 * tunnel opens, so that every way out closes it. Returns the function that stops listening.
 */
function onSignals(listener: (signal: NodeJS.Signals) => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, listener);
  return () => signals.forEach((s) => process.off(s, listener));
}

function tunnelOptions(c: Command, defaultPort: number): Command {
  return c
    .option('--service <id>', "the service on the device, as its agent names it (its configuration maps it to a local address there)", 'SSH')
    .option('--local-port <port>', 'the port to listen on, on 127.0.0.1 (0: any free one)', integer('--local-port', 0, 65535), defaultPort)
    .option('--timeout <minutes>', "the tunnel's lifetime, 1 to 720 minutes", integer('--timeout', 1, 720), 60)
    .option('--wait <seconds>', "how long to wait for the device's agent to join", integer('--wait', 1, 600), 30)
    .option('--description <text>', 'a description of the tunnel');
}

export function tunnelCommands(program: Command): void {
  tunnelOptions(
    program
      .command('tunnel <deviceId>')
      .description('Opens a secure tunnel to a device and listens on a local port until Ctrl-C, which closes it (every stream at once). ADMIN or OPERATOR.'),
    2222,
  ).action(
    action(async (ctx, deviceId: string, o: TunnelOptions) => {
      let signal: NodeJS.Signals | undefined;
      let wake = () => undefined as void;
      const off = onSignals((s) => {
        signal ??= s;
        wake();
      });
      try {
        const { tunnel, port, proxy, close } = await openAndListen(ctx, deviceId, o, () => signal);
        ctx.out.record({ ...tunnel, localPort: port }, [
          ['Tunnel ID', tunnel.tunnelId],
          ['Device', deviceId],
          ['Service', o.service],
          ['Listening on', `127.0.0.1:${port}`],
          ['Expires', tunnel.expiresAt],
        ]);
        if (o.service === 'SSH') ctx.out.say(`Connect with:  ssh -p ${port} -o HostKeyAlias=edgefleet-${deviceId} <user>@127.0.0.1`);
        ctx.out.note('Ctrl-C closes the tunnel.');
        // Until a signal, or the tunnel ends on its own (closed elsewhere, expired).
        const why = await new Promise<string>((resolve) => {
          wake = () => resolve(signal === 'SIGINT' ? 'interrupted' : `${signal}`);
          if (signal) wake();
          proxy.once('ended', (err?: Error) => resolve(err ? `the tunnel ended: ${err.message}` : 'the tunnel ended'));
        });
        await close();
        ctx.out.note(`Tunnel ${tunnel.tunnelId} closed (${why}).`);
      } finally {
        off();
      }
    }),
  );

  tunnelOptions(
    program
      .command('ssh <deviceId> [sshArgs...]')
      .description("Runs the ssh client on a device through a secure tunnel, closed when ssh exits; arguments after -- go to ssh (a command, -i, -o …). The device's host key is remembered as edgefleet-<deviceId>.")
      .option('-l, --user <name>', 'the user to log in as on the device', 'root'),
    0,
  ).action(
    action(async (ctx, deviceId: string, sshArgs: string[], o: TunnelOptions & { user: string }) => {
      let signal: NodeJS.Signals | undefined;
      let child: ReturnType<typeof spawn> | undefined;
      // Ctrl-C while ssh runs is the remote session's (ssh gets it from the terminal); a kill or a closed terminal ends ssh, then the tunnel.
      const off = onSignals((s) => {
        signal ??= s;
        if (child && s !== 'SIGINT') child.kill(s);
      });
      const { port, close } = await openAndListen(ctx, deviceId, o, () => signal).catch((err) => {
        off();
        throw err;
      });
      try {
        // OpenSSH reads options after the host too: `-- -i key uname -a` works as typed.
        const ssh = spawn('ssh', ['-p', String(port), '-o', `HostKeyAlias=edgefleet-${deviceId}`, '-l', o.user, '127.0.0.1', ...sshArgs], { stdio: 'inherit' });
        child = ssh;
        if (signal && signal !== 'SIGINT') ssh.kill(signal);
        const code = await new Promise<number>((resolve, reject) => {
          ssh.once('error', (err: NodeJS.ErrnoException) => reject(new CliError(err.code === 'ENOENT' ? 'ssh is not installed here (the OpenSSH client: apt-get install openssh-client).' : `cannot run ssh: ${err.message}`, EXIT.USAGE)));
          ssh.once('exit', (c, killedBy) => resolve(c ?? (killedBy ? 128 : 1)));
        });
        process.exitCode = code;
      } finally {
        await close();
        off();
      }
    }),
  );

  const tunnels = program.command('tunnels').description('Secure tunnels to devices (AWS IoT secure tunneling): who opened them, their state; closing one cuts every stream.');
  tunnels
    .command('list')
    .description('Tunnels, newest first.')
    .option('--device <deviceId>', "one device's tunnels")
    .option('--open', 'open tunnels only')
    .option('--first <n>', 'how many (at most 100)', integer('--first', 1, 100), 25)
    .action(
      action(async (ctx, o: { device?: string; open?: boolean; first: number }) => {
        const { tunnels: page } = await ctx.api.data(TunnelsDocument, { first: o.first, deviceId: o.device, status: o.open ? 'OPEN' : undefined });
        ctx.out.list(page.edges.map((e) => e.node), TUNNEL_COLUMNS);
      }),
    );
  tunnels
    .command('close <tunnelId>')
    .description('Closes a tunnel: both sides are cut at once and no token joins it again.')
    .option('--delete', 'also forget it (it no longer shows in the list)')
    .action(
      action(async (ctx, tunnelId: string, o: { delete?: boolean }) => {
        const { closeTunnel: t } = await ctx.api.data(CloseTunnelDocument, { tunnelId, delete: o.delete ?? false });
        ctx.out.record(t, TUNNEL_COLUMNS.map(([h, v]) => [h, v(t)]));
      }),
    );
  tunnels
    .command('rotate <tunnelId>')
    .description("New access tokens for a side of an open tunnel; connections with the old ones are cut. DESTINATION sends the new token to the device's agent: for a device that was offline when the tunnel opened.")
    .addOption(new Option('--client-mode <side>', 'whose token').choices(['DESTINATION', 'SOURCE', 'ALL']).default('DESTINATION'))
    .action(
      action(async (ctx, tunnelId: string, o: { clientMode: 'DESTINATION' | 'SOURCE' | 'ALL' }) => {
        const { rotateTunnelAccessToken: r } = await ctx.api.data(RotateTunnelAccessTokenDocument, { tunnelId, clientMode: o.clientMode });
        // A new source token is for a local proxy of the caller's: shown once, as OpenTunnel's.
        ctx.out.record(r, [...TUNNEL_COLUMNS.map(([h, v]): [string, unknown] => [h, v(r.tunnel)]), ['SOURCE TOKEN', r.sourceAccessToken ?? '(unchanged)'], ['ENDPOINT', r.endpoint]]);
      }),
    );
}
