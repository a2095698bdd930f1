import type { MqttClient } from 'mqtt';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { DeleteDeviceDocument, DeviceProvisioningDocument, DevicesDocument, GraphqlClient, GraphqlRequestError, ProvisionDeviceDocument, codeOf } from '@edgefleet/client';
import { parseBundle } from './bundle.reader';
import { connectDevice } from './device.connection';
import { type DeviceIdentity, loadIdentity, saveIdentity } from './identity.store';
import { provisionWithBundle } from './provisioner';
import { type JobExecutor, JobRunner } from './job.runner';
import { ShadowSync } from './shadow.sync';
import { ApplicationsRunner } from './applications/applications.runner';
import { SimulatedRuntime } from './applications/application.runtime';
import { LogShipper } from './applications/log.shipper';

export interface FleetOptions {
  devices: number;
  apiUrl: string;
  apiKey: string;
  dataDir: string;
  /** Name prefix of the virtual devices (sim-1, sim-2, …). */
  prefix?: string;
  /** Share of connections dropped (and restored a few seconds later) each minute, 0–1. */
  churn?: number;
  concurrency?: number;
  /** How virtual devices run jobs: share that fail (0–1), and mean time per step and per reboot. */
  jobs?: { failureRate?: number; stepMs?: number; rebootMs?: number };
  /** How virtual devices run deployments: share that fail to start (0–1), and mean start time. */
  deployments?: { failureRate?: number; delayMs?: number };
  onProgress?: (s: FleetStats) => void;
}

export interface FleetStats {
  target: number;
  provisioned: number;
  online: number;
  offline: number;
  messagesPerSecond: number;
  errors: number;
  jobFailures: number;
  deploymentFailures: number;
  /** Images installed, and installs of a version a device already had (must stay 0: jobs apply once). */
  installs: number;
  repeatedInstalls: number;
}

const SOFTWARE = ['4.3.45', '4.3.55', '5.0.7', '5.0.7', '5.1.2'];


/** Plausible, varied self-reports: software versions, two Ethernet ports, some unplugged. */
function virtualReport(i: number, startedAt: number, software: string) {
  const mac = (port: number) => `8C:1F:64:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}:0${port}`.toUpperCase();
  return {
    currentSoftware: software,
    serialNumber: `SIM${String(i).padStart(9, '0')}`,
    deviceType: 'PANORAMA_APPLIANCE',
    networking: {
      ethernet0: { ipAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/16`, connectionStatus: 'CONNECTED', hwAddress: mac(0) },
      ethernet1: i % 3 === 0 ? { ipAddress: `192.168.${i % 250}.10/24`, connectionStatus: 'CONNECTED', hwAddress: mac(1) } : { ipAddress: '--', connectionStatus: 'NOT_CONNECTED', hwAddress: mac(1) },
    },
    runtime: { status: 0, message: 'RUNNING' },
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    cameras: [{ name: `camera-${i}-a`, status: 'STREAMING' }],
  };
}

/**
 * N virtual devices in one process, each provisioned through GraphQL and the real
 * MQTT flow, then connected with its own certificate and reporting its `system` shadow.
 */
export class FleetSimulator {
  readonly clients: MqttClient[] = [];
  private readonly stats: FleetStats;
  private readonly api: GraphqlClient;
  private messages = 0;
  private timers: NodeJS.Timeout[] = [];
  private readonly runtime: SimulatedRuntime;

  constructor(private readonly opts: FleetOptions) {
    // Panorama's limits apply to simulators too: a large fleet provisioning at once waits its turn.
    this.api = new GraphqlClient(opts.apiUrl, opts.apiKey, { rateLimitRetries: 60 });
    this.runtime = new SimulatedRuntime(opts.deployments);
    this.stats = { target: opts.devices, provisioned: 0, online: 0, offline: 0, messagesPerSecond: 0, errors: 0, jobFailures: 0, deploymentFailures: 0, installs: 0, repeatedInstalls: 0 };
  }

  async start(): Promise<FleetStats> {
    const prefix = this.opts.prefix ?? 'sim';
    let next = 1;
    const worker = async () => {
      while (next <= this.opts.devices) {
        const i = next++;
        try {
          this.attach(i, await this.identity(`${prefix}-${i}`));
        } catch (err) {
          this.stats.errors++;
          process.emitWarning(`device ${prefix}-${i}: ${(err as Error).message}`);
        }
      }
    };
    this.timers.push(setInterval(() => this.tick(), 1000));
    if (this.opts.churn) this.timers.push(setInterval(() => this.churn(), 60_000 / Math.max(1, this.opts.devices * this.opts.churn)));
    await Promise.all(Array.from({ length: this.opts.concurrency ?? 8 }, worker));
    return this.stats;
  }

  async stop(): Promise<void> {
    this.timers.forEach(clearInterval);
    await Promise.all(this.clients.map((c) => c.endAsync(true).catch(() => undefined)));
  }

  /** Reuses a stored identity while the registry still knows the device; otherwise provisions it anew. */
  private async identity(name: string): Promise<DeviceIdentity> {
    const dir = path.join(this.opts.dataDir, name);
    const stored = loadIdentity(dir);
    if (stored) {
      const data = await this.api.data(DeviceProvisioningDocument, { deviceId: stored.thingName }).catch(() => null);
      if (data?.device?.provisioningStatus === 'SUCCEEDED') {
        this.stats.provisioned++;
        return stored;
      }
      rmSync(dir, { recursive: true, force: true });
    }
    const data = await this.provision(name);
    const identity = await provisionWithBundle(parseBundle(Buffer.from(data.provisionDevice.certificates, 'base64')));
    saveIdentity(dir, identity);
    this.stats.provisioned++;
    return identity;
  }

  /**
   * A new simulated device of this name. One the registry has already (its identity lost with a
   * deleted data directory, or kept by another checkout) cannot connect again: it is deleted and
   * provisioned anew. Only simulated devices (tagged `simulated`) are ever replaced.
   */
  private async provision(name: string) {
    const input = { input: { name, tags: [{ key: 'simulated' }] } };
    try {
      return await this.api.data(ProvisionDeviceDocument, input);
    } catch (err) {
      if (!(err instanceof GraphqlRequestError) || err.reason !== 'ALREADY_EXISTS') throw err;
      const found = await this.api.data(DevicesDocument, { first: 20, filter: { nameContains: name, tags: [{ key: 'simulated' }] } });
      const old = found.devices.edges.map((e) => e.node).find((d) => d.name === name);
      if (!old) throw err;
      if (old.provisioningStatus !== 'DELETING') await this.api.data(DeleteDeviceDocument, { deviceId: old.deviceId });
      // The worker purges it; its name is free once the device is gone.
      for (let waited = 0; codeOf(await this.api.request(DeviceProvisioningDocument, { deviceId: old.deviceId })) !== 'NOT_FOUND'; waited += 250) {
        if (waited > 60_000) throw new Error(`${name}: the device ${old.deviceId} it replaces was not purged within a minute (is a worker running?)`);
        await new Promise((r) => setTimeout(r, 250));
      }
      return this.api.data(ProvisionDeviceDocument, input);
    }
  }

  private attach(i: number, identity: DeviceIdentity): void {
    const startedAt = Date.now();
    const client = connectDevice(identity);
    const device = { software: SOFTWARE[i % SOFTWARE.length] };
    new ShadowSync(client, identity.thingName, () => virtualReport(i, startedAt, device.software));
    // Device log lines, as an appliance's syslog would have them, and the output of simulated nodes.
    const logs = new LogShipper(client, identity.thingName);
    client.on('connect', () => logs.add(undefined, 'syslog', `connected; running software ${device.software}`));
    new JobRunner(client, identity.thingName, virtualExecutor(client, device, this.opts.jobs ?? {}, this.stats), (err, jobId) => {
      this.stats.jobFailures++;
      logs.add(undefined, 'ota_log', `job ${jobId} failed: ${err.message}`);
    });
    // Deployments too, through the applications shadow, on the simulated runtime.
    const deviceDir = path.join(this.opts.dataDir, identity.thingName);
    new ApplicationsRunner(client, identity.thingName, this.runtime, { dataDir: deviceDir, logs, onError: () => this.stats.deploymentFailures++ });
    client.on('packetsend', (p) => p.cmd === 'publish' && this.messages++);
    this.clients.push(client);
  }

  /** Drops one random connection and restores it a few seconds later. */
  private churn(): void {
    const client = this.clients[Math.floor(Math.random() * this.clients.length)];
    if (!client?.connected) return;
    client.stream.destroy();
  }

  private tick(): void {
    this.stats.online = this.clients.filter((c) => c.connected).length;
    this.stats.offline = this.clients.length - this.stats.online;
    this.stats.messagesPerSecond = this.messages;
    this.messages = 0;
    this.opts.onProgress?.({ ...this.stats });
  }
}

const jittered = (ms: number) => new Promise((r) => setTimeout(r, ms * (0.5 + Math.random())));


/** Jobs, virtually: each step takes a while, some fail, a reboot drops the connection and the device comes back on the new version. */
export function virtualExecutor(client: MqttClient, device: { software: string }, opts: NonNullable<FleetOptions['jobs']>, stats: Pick<FleetStats, 'installs' | 'repeatedInstalls'>): JobExecutor {
  const stepMs = opts.stepMs ?? 200;
  const installed = new Set<string>();
  const versions = new Set<string>();
  let pending: string | undefined;
  return {
    installed,
    async download(doc, step) {
      await step('DOWNLOADING');
      await jittered(stepMs);
      await step('VERIFYING');
      await jittered(stepMs);
      if (Math.random() < (opts.failureRate ?? 0)) throw new Error('simulated failure: the image did not verify');
      return doc.sha256;
    },
    async install(doc) {
      await jittered(stepMs);
      stats.installs++;
      if (versions.has(doc.imageVersion)) stats.repeatedInstalls++;
      versions.add(doc.imageVersion);
      pending = doc.imageVersion;
    },
    async reboot() {
      if (pending) device.software = pending; // what runs after the reboot
      pending = undefined;
      // The connection drops; mqtt.js reconnects after the "boot time".
      client.options.reconnectPeriod = Math.round((opts.rebootMs ?? 500) * (0.5 + Math.random()));
      client.stream.destroy();
    },
  };
}
