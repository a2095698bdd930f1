import type { MqttClient } from 'mqtt';
import path from 'node:path';
import { APPLICATIONS_SHADOW, type ApplicationsDesired, type InstanceSpec, type ReportedInstance, cameraCredentialsTopic, shadowTopic } from '@edgefleet/contracts';
import { downloadVerified } from '../download';
import { type ApplicationRuntime, type RunningInstance, healthOf } from './application.runtime';
import type { LogShipper } from './log.shipper';

/** Reported entries of removed instances kept for the worker to read, newest first. */
const KEEP_REMOVED = 10;
const REPLY_TIMEOUT_MS = 10_000;

interface Entry {
  spec: InstanceSpec;
  running?: RunningInstance;
  report: ReportedInstance;
}

/**
 * Keeps the device's applications as its `applications` shadow wants them: on every change of
 * the shadow it reads the desired state, deploys what is new (files downloaded through their signed URLs and
 * verified, cameras' credentials asked for over the device's own session, then the runtime),
 * removes what is gone, applies PAUSE and RESUME, and reports each instance and node.
 * A replacement keeps the instance it replaces running until it runs itself.
 */
export class ApplicationsRunner {
  private readonly base: string;
  private readonly entries = new Map<string, Entry>();
  private readonly removed: string[] = [];
  /** Entries to clear from the reported state at the next report. */
  private readonly cleared = new Set<string>();
  private reconciling = Promise.resolve();
  private reportTimer?: NodeJS.Timeout;
  private readonly pending = new Map<string, (body: Record<string, unknown>) => void>();

  constructor(
    private readonly client: MqttClient,
    private readonly thingName: string,
    private readonly runtime: ApplicationRuntime,
    private readonly opts: { dataDir: string; logs?: LogShipper; onError?: (err: Error, applicationInstanceId: string) => void },
  ) {
    this.base = shadowTopic(thingName, APPLICATIONS_SHADOW, 'get').replace(/\/get$/, '');
    client.on('connect', () => this.subscribe());
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    if (client.connected) this.subscribe();
  }

  private subscribe(): void {
    // Two filters (documents, get and update replies; credentials replies): a fleet reconnecting at once subscribes little.
    this.client.subscribe([`${this.base}/+/+`, `${cameraCredentialsTopic(this.thingName)}/+`], { qos: 1 }, () => {
      this.client.publish(`${this.base}/get`, '{}', { qos: 1 });
      if (this.entries.size > 0 || this.cleared.size > 0) this.scheduleReport(); // what runs, after a reconnect
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    let body: Record<string, any>;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    // documents, not delta: a removal can leave no desired state at all, which publishes no delta.
    if (topic === `${this.base}/update/documents`) this.reconcileLater((body.current?.state?.desired ?? {}) as ApplicationsDesired);
    // The service could not take the report now (a 5xx under load, a 429): report again, a little later.
    else if (topic === `${this.base}/update/rejected`) {
      if ((body.code ?? 0) >= 429) setTimeout(() => this.scheduleReport(), 1000 + Math.random() * 2000);
    }
    else if (topic === `${this.base}/get/accepted`) this.reconcileLater((body.state?.desired ?? {}) as ApplicationsDesired);
    else if (topic.startsWith(cameraCredentialsTopic(this.thingName))) {
      const token = body.clientToken as string | undefined;
      if (token) this.pending.get(token)?.(topic.endsWith('/accepted') ? body : { error: body.message ?? 'refused' });
    }
  }

  private reconcileLater(desired: ApplicationsDesired): void {
    this.reconciling = this.reconciling.then(() => this.reconcile(desired)).catch(() => undefined);
  }

  /** Deploys, updates signals and removes, until what runs is what is desired. */
  private async reconcile(desired: ApplicationsDesired): Promise<void> {
    const wanted = Object.entries(desired.instances ?? {}).filter((e): e is [string, InstanceSpec] => e[1] !== null);
    const wantedIds = new Set(wanted.map(([id]) => id));
    for (const [id, entry] of this.entries) {
      if (wantedIds.has(id) || entry.report.status.startsWith('REMOVAL_')) continue;
      // A deployment that failed ran nothing: it is only forgotten.
      if (entry.report.status === 'DEPLOYMENT_FAILED') this.forget(id);
      // Removed, unless a replacement still deploying needs it kept.
      else if (![...this.entries.values()].some((e) => e.spec.replaces === id && e.report.status === 'DEPLOYMENT_IN_PROGRESS')) await this.remove(id, entry);
    }
    for (const [id, spec] of wanted) {
      const entry = this.entries.get(id);
      if (!entry) await this.deploy(id, spec);
      else if (entry.running) {
        for (const [node, signal] of Object.entries(spec.signals)) if (entry.spec.signals[node] !== signal) entry.running.signal(node, signal as 'PAUSE' | 'RESUME');
        entry.spec = spec;
        this.refresh(id);
      }
    }
  }

  private async deploy(id: string, spec: InstanceSpec): Promise<void> {
    const entry: Entry = { spec, report: { status: 'DEPLOYMENT_IN_PROGRESS' } };
    this.entries.set(id, entry);
    this.scheduleReport();
    try {
      const files = new Map<string, string>();
      const dir = path.join(this.opts.dataDir, 'assets');
      for (const [sha256, f] of Object.entries(spec.files)) files.set(sha256, await downloadVerified({ url: f.url, sha256, size: f.sizeBytes }, dir));
      const cameras = new Map<string, { streamUrl: string; username: string; password: string }>();
      // Cameras chosen at deploy time (a placeholder left as it is has no stream, and no credentials).
      for (const node of spec.nodes.filter((n) => n.category === 'media_source' && n.streamUrl)) {
        const packageName = node.interface.slice(0, node.interface.lastIndexOf('.')).split('::')[1];
        const credentials = await this.credentials(packageName);
        cameras.set(node.name, { streamUrl: node.streamUrl ?? '', ...credentials });
      }
      entry.running = await this.runtime.start({
        applicationInstanceId: id,
        spec,
        files,
        cameras,
        log: (node, line) => this.opts.logs?.add(id, node, line),
        changed: () => this.refresh(id),
      });
      entry.report = { status: 'DEPLOYMENT_SUCCEEDED' };
      this.refresh(id);
      // It runs: the instance it replaces can go.
      const old = spec.replaces ? this.entries.get(spec.replaces) : undefined;
      if (old && spec.replaces) await this.remove(spec.replaces, old);
    } catch (err) {
      this.opts.onError?.(err as Error, id);
      entry.report = { status: 'DEPLOYMENT_FAILED', reason: (err as Error).message.slice(0, 1000), healthStatus: 'NOT_AVAILABLE' };
      this.opts.logs?.add(id, 'console_output', `deployment failed: ${(err as Error).message}`);
      this.scheduleReport();
    }
  }

  private forget(id: string): void {
    this.entries.delete(id);
    this.cleared.add(id);
    this.scheduleReport();
  }

  private async remove(id: string, entry: Entry): Promise<void> {
    entry.report = { status: 'REMOVAL_IN_PROGRESS' };
    try {
      await entry.running?.stop();
      entry.report = { status: 'REMOVAL_SUCCEEDED', healthStatus: 'NOT_AVAILABLE' };
    } catch (err) {
      entry.report = { status: 'REMOVAL_FAILED', reason: (err as Error).message };
    }
    entry.running = undefined;
    this.removed.unshift(id);
    this.scheduleReport();
  }

  /** Health and node statuses from the runtime. */
  private refresh(id: string): void {
    const entry = this.entries.get(id);
    if (!entry?.running || entry.report.status !== 'DEPLOYMENT_SUCCEEDED') return;
    const nodes = entry.running.nodes();
    const report = { status: 'DEPLOYMENT_SUCCEEDED' as const, healthStatus: healthOf(nodes), nodes };
    // Only a change is reported: each report comes back as `documents`, which reconciles and refreshes again.
    if (JSON.stringify(report) === JSON.stringify(entry.report)) return;
    entry.report = report;
    this.scheduleReport();
  }

  /** A camera's credentials, asked for on the device's own topic (never in the shadow). */
  private credentials(camera: string): Promise<{ username: string; password: string }> {
    const clientToken = Math.random().toString(36).slice(2, 12);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (this.pending.delete(clientToken), reject(new Error(`no answer for the credentials of camera ${camera}`))), REPLY_TIMEOUT_MS);
      this.pending.set(clientToken, (body) => {
        clearTimeout(timer);
        this.pending.delete(clientToken);
        if (body.error) reject(new Error(`camera ${camera}: ${String(body.error)}`));
        else resolve({ username: String(body.username), password: String(body.password) });
      });
      this.client.publish(cameraCredentialsTopic(this.thingName), JSON.stringify({ camera, clientToken }), { qos: 1 });
    });
  }

  /** One report for a burst of changes; removed instances are kept a while for the worker, then cleared. */
  private scheduleReport(): void {
    if (this.reportTimer) return;
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined;
      const instances: Record<string, ReportedInstance | null> = {};
      for (const [id, e] of this.entries) instances[id] = e.report;
      for (const id of this.removed.splice(KEEP_REMOVED)) this.forget(id);
      for (const id of this.cleared) instances[id] = null;
      this.cleared.clear();
      if (!this.client.connected) return;
      this.client.publish(`${this.base}/update`, JSON.stringify({ state: { reported: { instances } } }), { qos: 1 });
    }, 200);
  }

  /** Stops every instance (the agent is shutting down). */
  async stop(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.running?.stop()));
  }
}
