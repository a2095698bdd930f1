import type { MqttClient } from 'mqtt';
import path from 'node:path';
import {
  APPLICATIONS_SHADOW,
  type ApplicationsDesired,
  type InstanceSpec,
  REPORTED_NODE_REASON_MAX,
  REPORTED_REASON_MAX,
  type ReportedInstance,
  cameraCredentialsTopic,
  instanceSpecUrl,
  shadowTopic,
} from '@edgefleet/contracts';
import { type AgentLog, SILENT } from '../agent.log';
import { downloadVerified } from '../download';
import { type ApplicationRuntime, type NodeStatus, type RunningInstance, healthOf } from './application.runtime';
import type { LogShipper } from './log.shipper';
import type { RuntimeCredentials } from './runtime-credentials';
import type { Snapshots } from '../vision/snapshots';

const REPLY_TIMEOUT_MS = 10_000;
/** Changes within this long go out as one report. */
const REPORT_DELAY_MS = 50;
const SPEC_ATTEMPTS = 4;
/** Reports nothing follows any more, once the service has taken them in. */
const SETTLED = new Set<ReportedInstance['status']>(['DEPLOYMENT_FAILED', 'REMOVAL_SUCCEEDED', 'REMOVAL_FAILED']);

interface Entry {
  spec: InstanceSpec;
  running?: RunningInstance;
  /** Its nodes while the deployment settles: reported as they are, before the deployment succeeds. */
  starting?: () => Record<string, NodeStatus>;
  report: ReportedInstance;
  /** The service has the settled report: once it clears the entry from the reported state, the entry is forgotten. */
  settledSeen?: boolean;
}

interface ShadowState {
  desired?: ApplicationsDesired;
  reported?: { instances?: Record<string, ReportedInstance | null> };
}

/** A reason as long as the shadow has room for; the whole of it is in the device's logs. */
const clip = (reason: string | undefined, max: number) => (reason === undefined || reason.length <= max ? reason : `${reason.slice(0, max - 1)}…`);
const compact = (r: ReportedInstance): ReportedInstance => ({
  ...r,
  ...(r.reason !== undefined ? { reason: clip(r.reason, REPORTED_REASON_MAX) } : {}),
  ...(r.nodes ? { nodes: Object.fromEntries(Object.entries(r.nodes).map(([n, s]) => [n, s.reason === undefined ? s : { ...s, reason: clip(s.reason, REPORTED_NODE_REASON_MAX) }])) } : {}),
});

/**
 * Keeps the device's applications as its `applications` shadow wants them: on every change of
 * the shadow it reads the desired state (each instance by the revision of its spec), fetches the
 * specs that are new through the signed `specs` URL, deploys what is new (files downloaded
 * through their signed URLs and verified, cameras' credentials asked for over the device's own
 * session, then the runtime), removes what is gone, applies PAUSE and RESUME, and reports each
 * instance and node (what changed only). A replacement keeps the instance it replaces running
 * until it runs itself. Settled reports are forgotten once the service has cleared them.
 */
export class ApplicationsRunner {
  private readonly base: string;
  private readonly entries = new Map<string, Entry>();
  /** Files being downloaded, by SHA-256: deployments that want one at once share its download. */
  private readonly downloads = new Map<string, Promise<string>>();
  /** Instances whose report changed (or, not in `entries`, whose entry is to be cleared). */
  private readonly dirty = new Set<string>();
  private reconciling = Promise.resolve();
  /** Leftovers of instances removed while the agent was down are cleared once, after the first reconcile. */
  private pruned = false;
  private reportTimer?: NodeJS.Timeout;
  private readonly pending = new Map<string, (body: Record<string, unknown>) => void>();

  constructor(
    private readonly client: MqttClient,
    private readonly thingName: string,
    private readonly runtime: ApplicationRuntime,
    private readonly opts: { dataDir: string; logs?: LogShipper; log?: AgentLog; snapshots?: Pick<Snapshots, 'set'>; credentials?: RuntimeCredentials; onError?: (err: Error, applicationInstanceId: string) => void },
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
      // What runs, after a reconnect: everything is reported again.
      for (const id of this.entries.keys()) this.scheduleReport(id);
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
    if (topic === `${this.base}/update/documents`) this.reconcileLater((body.current?.state ?? {}) as ShadowState);
    // The service could not take the report now (a 5xx under load, a 429): report again, a little later.
    else if (topic === `${this.base}/update/rejected`) {
      if ((body.code ?? 0) >= 429) setTimeout(() => this.reportAll(), 1000 + Math.random() * 2000);
      // Refused for good (a report the shadow cannot take): said, since the service will not see it.
      else this.log.warn({ code: body.code }, `the applications report was refused: ${String(body.message ?? 'no reason given')}`);
    } else if (topic === `${this.base}/get/accepted`) this.reconcileLater((body.state ?? {}) as ShadowState);
    else if (topic.startsWith(cameraCredentialsTopic(this.thingName))) {
      const token = body.clientToken as string | undefined;
      if (token) this.pending.get(token)?.(topic.endsWith('/accepted') ? body : { error: body.message ?? 'refused' });
    }
  }

  private reconcileLater(state: ShadowState): void {
    this.reconciling = this.reconciling.then(() => this.reconcile(state)).catch(() => undefined);
  }

  /** Deploys, updates signals and removes, until what runs is what is desired. */
  private async reconcile(state: ShadowState): Promise<void> {
    this.forgetCleared(state.reported?.instances ?? {});
    const desired = state.desired ?? {};
    const wanted = Object.entries(desired.instances ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
    const wantedIds = new Set(wanted.map(([id]) => id));
    for (const [id, entry] of this.entries) {
      if (wantedIds.has(id) || entry.report.status.startsWith('REMOVAL_') || entry.report.status === 'DEPLOYMENT_FAILED') continue;
      // Removed, unless a replacement still deploying needs it kept.
      if (![...this.entries.values()].some((e) => e.spec.replaces === id && e.report.status === 'DEPLOYMENT_IN_PROGRESS')) await this.remove(id, entry);
    }
    for (const [id, revision] of wanted) {
      const entry = this.entries.get(id);
      // Up to date, or deploying or failed at this revision: nothing to do.
      if (entry && (entry.spec.revision === revision || !entry.running)) continue;
      const spec = desired.specs ? await this.fetchSpec(desired.specs, id).catch((err: Error) => err) : new Error('the desired state names no specs URL');
      if (spec === null) continue; // no longer wanted by the time it was asked for
      if (spec instanceof Error) {
        if (!entry) this.fail(id, { revision, name: null, replaces: null, packages: [], files: {}, nodes: [], edges: [], ports: [], signals: {} }, `its spec could not be fetched: ${spec.message}`);
        continue;
      }
      // Deployments run side by side (one settling does not hold the next back); the entry exists from the start.
      if (!entry) void this.deploy(id, spec);
      else if (entry.running) {
        for (const [node, signal] of Object.entries(spec.signals)) if (entry.spec.signals[node] !== signal) entry.running.signal(node, signal as 'PAUSE' | 'RESUME');
        entry.spec = spec;
        this.opts.snapshots?.set(id, spec.snapshotIntervalSeconds ?? 0);
        this.refresh(id);
      }
    }
    if (!this.pruned && this.runtime.prune) {
      this.pruned = true;
      await this.runtime.prune(new Set([...wantedIds, ...this.entries.keys()])).catch((err: Error) => this.log.warn({ err: err.message }, 'could not clear what removed applications left'));
    }
  }

  /** Settled entries the service has taken in and then cleared from the reported state. */
  private forgetCleared(reported: Record<string, ReportedInstance | null>): void {
    for (const [id, entry] of this.entries) {
      if (!SETTLED.has(entry.report.status) || this.dirty.has(id)) continue;
      if (reported[id]?.status === entry.report.status) entry.settledSeen = true;
      else if (!reported[id] && entry.settledSeen) this.entries.delete(id);
    }
  }

  /** An instance's spec through the device's signed specs URL, retried with backoff; null when it is no longer the device's. */
  private async fetchSpec(specs: string, id: string): Promise<InstanceSpec | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(instanceSpecUrl(specs, id));
        if (res.status === 404) return null;
        if (res.ok) return (await res.json()) as InstanceSpec;
        const refusal = `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
        if (res.status < 500 || attempt >= SPEC_ATTEMPTS) throw new Error(refusal);
      } catch (err) {
        if (attempt >= SPEC_ATTEMPTS || /^HTTP 4/.test((err as Error).message)) throw err;
      }
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
  }

  private get log(): AgentLog {
    return this.opts.log ?? SILENT;
  }

  private async deploy(id: string, spec: InstanceSpec): Promise<void> {
    this.log.info({ applicationInstanceId: id }, `deploying application ${spec.name ?? id}${spec.replaces ? ` (to replace ${spec.replaces})` : ''}`);
    const entry: Entry = { spec, report: { status: 'DEPLOYMENT_IN_PROGRESS' } };
    this.entries.set(id, entry);
    this.scheduleReport(id);
    try {
      const dir = path.join(this.opts.dataDir, 'assets');
      const file = (sha256: string) => {
        const f = spec.files[sha256];
        if (!f) return Promise.reject(new Error(`the spec names no file ${sha256}`));
        // One download of a file at a time, however many deployments want it at once.
        let download = this.downloads.get(sha256);
        if (!download) {
          download = downloadVerified({ url: f.url, sha256, size: f.sizeBytes }, dir).finally(() => this.downloads.delete(sha256));
          this.downloads.set(sha256, download);
        }
        return download;
      };
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
        file,
        cameras,
        log: (node, line) => this.opts.logs?.add(id, node, line),
        changed: () => this.refresh(id),
        started: (nodes) => {
          entry.starting = nodes;
          this.refresh(id);
        },
        credentials: () => {
          const role = entry.spec.runtimeRole;
          if (!role) return Promise.reject(new Error('this application has no runtime role: deploy it with a runtimeRoleArn that names a role alias of its organization'));
          if (!this.opts.credentials) return Promise.reject(new Error('this agent does not fetch credentials'));
          return this.opts.credentials.get(role);
        },
      });
      entry.starting = undefined;
      if (entry.report.status !== 'DEPLOYMENT_IN_PROGRESS') {
        // Removed while it was starting: what started goes too.
        await entry.running.stop();
        entry.running = undefined;
        return;
      }
      entry.report = { status: 'DEPLOYMENT_SUCCEEDED' };
      this.log.info({ applicationInstanceId: id }, `application ${spec.name ?? id} started`);
      this.opts.snapshots?.set(id, spec.snapshotIntervalSeconds ?? 0);
      this.refresh(id);
      // It runs: the instance it replaces can go.
      const old = spec.replaces ? this.entries.get(spec.replaces) : undefined;
      if (old && spec.replaces) await this.remove(spec.replaces, old);
    } catch (err) {
      this.fail(id, spec, (err as Error).message);
    }
  }

  private fail(id: string, spec: InstanceSpec, reason: string): void {
    this.log.warn({ applicationInstanceId: id }, `application ${spec.name ?? id} failed to deploy: ${reason}`);
    this.opts.onError?.(new Error(reason), id);
    this.entries.set(id, { spec, report: { status: 'DEPLOYMENT_FAILED', reason, healthStatus: 'NOT_AVAILABLE' } });
    this.opts.logs?.add(id, 'console_output', `deployment failed: ${reason}`);
    this.scheduleReport(id);
  }

  private async remove(id: string, entry: Entry): Promise<void> {
    entry.report = { status: 'REMOVAL_IN_PROGRESS' };
    this.opts.snapshots?.set(id, 0);
    try {
      await entry.running?.stop();
      entry.report = { status: 'REMOVAL_SUCCEEDED', healthStatus: 'NOT_AVAILABLE' };
      this.log.info({ applicationInstanceId: id }, `application ${entry.spec.name ?? id} removed`);
    } catch (err) {
      entry.report = { status: 'REMOVAL_FAILED', reason: (err as Error).message };
      this.log.warn({ applicationInstanceId: id }, `application ${entry.spec.name ?? id} could not be removed: ${(err as Error).message}`);
    }
    entry.running = undefined;
    this.scheduleReport(id);
  }

  /** Health and node statuses from the runtime (the nodes' alone while the deployment settles). */
  private refresh(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    if (entry.report.status === 'DEPLOYMENT_IN_PROGRESS' && entry.starting) {
      entry.report = { status: 'DEPLOYMENT_IN_PROGRESS', nodes: entry.starting() };
      return this.scheduleReport(id);
    }
    if (!entry.running || entry.report.status !== 'DEPLOYMENT_SUCCEEDED') return;
    const nodes = entry.running.nodes();
    const report = { status: 'DEPLOYMENT_SUCCEEDED' as const, healthStatus: healthOf(nodes), nodes };
    // Only a change is reported: each report comes back as `documents`, which reconciles and refreshes again.
    if (JSON.stringify(report) === JSON.stringify(entry.report)) return;
    for (const [node, status] of Object.entries(nodes)) {
      const before = entry.report.nodes?.[node]?.currentStatus;
      if (before && before !== status.currentStatus) {
        this.log[status.currentStatus === 'ERROR' ? 'warn' : 'info']({ applicationInstanceId: id }, `application ${entry.spec.name ?? id} node ${node}: ${before} → ${status.currentStatus}${status.reason ? ` (${status.reason})` : ''}`);
      }
    }
    entry.report = report;
    this.scheduleReport(id);
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

  private reportAll(): void {
    for (const id of this.entries.keys()) this.scheduleReport(id);
  }

  /** One report for a burst of changes, of what changed. */
  private scheduleReport(id: string): void {
    this.dirty.add(id);
    if (this.reportTimer) return;
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined;
      if (!this.client.connected) return; // reported in full on the next connect
      const instances: Record<string, ReportedInstance | null> = {};
      for (const id of this.dirty) {
        const entry = this.entries.get(id);
        instances[id] = entry ? compact(entry.report) : null;
      }
      this.dirty.clear();
      this.client.publish(`${this.base}/update`, JSON.stringify({ state: { reported: { instances } } }), { qos: 1 });
    }, REPORT_DELAY_MS);
  }

  /** Stops every instance (the agent is shutting down). */
  async stop(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.running?.stop()));
  }
}
