import type { MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tunnelNotification, tunnelsNotifyTopic } from '@edgefleet/contracts';
import { LocalProxy, type ServiceAddress, TunnelHandshakeError } from '@edgefleet/local-proxy';
import type { AgentLog } from '../agent.log';
import { TUNNELS_FILE } from '../identity.store';

/** A tunnel the agent is the destination of: kept in the data directory (0600), so a restarted agent rejoins it. */
interface JoinedTunnel {
  accessToken: string;
  clientToken: string;
  region: string;
  services: string[];
}

export interface TunnelAgentOptions {
  dataDir: string;
  /** The tunneling endpoint (EdgeFleet's api, ws:// or wss://); unset, AWS IoT's endpoint of the notification's region. */
  endpoint?: string;
  /** The services this device lets tunnels reach, by service id: its own configuration, never the notification's. */
  services: Record<string, ServiceAddress>;
  log: AgentLog;
}

const RETRY_MS = 5_000;
const MAX_RETRY_MS = 60_000;

/** `SSH=127.0.0.1:22` (a --tunnel-service value) as a service id and the local address it reaches. */
export function parseTunnelService(value: string): [string, ServiceAddress] {
  const m = /^([a-zA-Z0-9:_-]{1,128})=(?:([^:]+|\[[0-9a-fA-F:]+\]):)?(\d{1,5})$/.exec(value);
  if (!m || Number(m[3]) < 1 || Number(m[3]) > 65535) throw new Error(`--tunnel-service takes SERVICE=[host:]port (SSH=127.0.0.1:22), not ${JSON.stringify(value)}.`);
  return [m[1], { host: (m[2] ?? '127.0.0.1').replace(/^\[|\]$/g, ''), port: Number(m[3]) }];
}

/**
 * The device side of AWS IoT secure tunneling: notified on `$aws/things/<thing>/tunnels/notify`, it
 * joins the tunnel as its destination (with a client token of its own, so only it may rejoin) and
 * connects each stream to the local address its configuration gives the service; a service it
 * does not allow is refused and logged. It rejoins its open tunnels after a restart, and lets one
 * go when the endpoint refuses it for good (closed, expired).
 */
export class TunnelAgent {
  private readonly joined = new Map<string, { tunnel: JoinedTunnel; proxy?: LocalProxy; retry?: NodeJS.Timeout }>();
  private readonly file: string;
  private stopped = false;

  constructor(
    client: MqttClient,
    thingName: string,
    private readonly options: TunnelAgentOptions,
  ) {
    this.file = path.join(options.dataDir, TUNNELS_FILE);
    const topic = tunnelsNotifyTopic(thingName);
    client.on('connect', () => client.subscribe(topic, { qos: 1 }));
    client.on('message', (t, payload) => t === topic && this.notified(payload));
    for (const tunnel of this.load()) this.join(tunnel, 0);
  }

  /** Leaves every tunnel (their tokens stay on disk: the next start rejoins). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.joined.values()].map(({ proxy, retry }) => (clearTimeout(retry), proxy?.stop())));
  }

  private notified(payload: Buffer) {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      body = undefined;
    }
    const parsed = tunnelNotification.safeParse(body);
    if (!parsed.success) return this.options.log.warn({}, 'tunnel: a notification that is not AWS IoT secure tunneling\'s; ignored');
    const { clientAccessToken, clientMode, region, services } = parsed.data;
    if (clientMode !== 'destination') return this.options.log.warn({ clientMode }, 'tunnel: a notification for a source; this device is a destination only');
    const refused = services.filter((s) => !this.allows(s));
    if (refused.length) this.options.log.warn({ services: refused, allowed: Object.keys(this.options.services) }, 'tunnel: services this device does not allow are refused');
    this.join({ accessToken: clientAccessToken, clientToken: randomUUID(), region, services }, 0);
    this.save();
  }

  /** Own keys only: a service named `constructor` or `toString` is not allowed by inheritance. */
  private allows(service: string): boolean {
    return Object.hasOwn(this.options.services, service);
  }

  private endpoint(region: string): string {
    return this.options.endpoint ?? `wss://data.tunneling.iot.${region}.amazonaws.com`;
  }

  private join(tunnel: JoinedTunnel, attempt: number) {
    if (this.stopped) return;
    const entry = this.joined.get(tunnel.clientToken) ?? { tunnel };
    this.joined.set(tunnel.clientToken, entry);
    const allowed = Object.fromEntries(tunnel.services.filter((s) => this.allows(s)).map((s) => [s, this.options.services[s]]));
    const log = this.options.log;
    const proxy = new LocalProxy({
      endpoint: this.endpoint(tunnel.region),
      mode: 'destination',
      accessToken: tunnel.accessToken,
      clientToken: tunnel.clientToken,
      services: allowed,
      log: (level, message, details) => log[level](details ?? {}, message),
    });
    entry.proxy = proxy;
    proxy.on('connected', (available: string[]) => log.info({ services: available }, 'tunnel: joined as the destination'));
    proxy.on('ended', (err?: Error) => this.leave(tunnel, err));
    proxy.start().catch((err: Error) => {
      // Refused for good (the tunnel closed or expired, the token is not ours): forget it. Otherwise (the endpoint is unreachable) try again.
      if (err instanceof TunnelHandshakeError && err.status >= 400 && err.status < 500) return this.leave(tunnel, err);
      const delay = Math.min(RETRY_MS * 2 ** attempt, MAX_RETRY_MS);
      log.warn({ err: err.message, retryInSeconds: delay / 1000 }, 'tunnel: cannot reach the tunneling endpoint; trying again');
      entry.retry = setTimeout(() => this.join(tunnel, attempt + 1), delay);
    });
  }

  private leave(tunnel: JoinedTunnel, err?: Error) {
    if (!this.joined.delete(tunnel.clientToken)) return;
    this.options.log.info(err ? { reason: err.message } : {}, 'tunnel: left (closed or expired)');
    this.save();
  }

  private load(): JoinedTunnel[] {
    if (!existsSync(this.file)) return [];
    try {
      const tunnels = JSON.parse(readFileSync(this.file, 'utf8')) as JoinedTunnel[];
      return Array.isArray(tunnels) ? tunnels : [];
    } catch {
      this.options.log.warn({ file: this.file }, 'tunnel: the open tunnels file is damaged; starting without it');
      return [];
    }
  }

  private save() {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.joined.values()].map((e) => e.tunnel)), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
