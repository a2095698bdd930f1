import type { MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { type JobDocument, type JobExecutionPayload, jobsTopic } from '@edgefleet/contracts';
import { type AgentLog, SILENT } from './agent.log';

/** What a device does for its jobs: the reference agent on a real host, the simulator virtually. */
export interface JobExecutor {
  /** Fetches and checks the image; `step` reports DOWNLOADING and VERIFYING. */
  download(doc: Extract<JobDocument, { operation: 'OTA' }>, step: (step: 'DOWNLOADING' | 'VERIFYING') => Promise<void>): Promise<string>;
  install(doc: Extract<JobDocument, { operation: 'OTA' }>, file: string): Promise<void>;
  /** Restarts the device; the connection drops and the device reports again when it is back. */
  reboot(): Promise<void>;
  /** Executions already installed (survives restarts), so a repeat is never applied twice. */
  installed: { has(key: string): boolean; add(key: string): void };
}

type Reply = { outcome: 'accepted' | 'rejected'; body: any };
const TIMEOUT_MS = 10_000;
/** How long to wait before asking again after the service did not answer. */
const RETRY_MS = 5_000;
/** Refusals that say "not now" (the thing's request rate, a service under load), not "no": asked again later. */
const TRANSIENT_CODES = new Set(['RequestThrottled', 'InternalError']);
const transient = (r: Reply) => r.outcome === 'rejected' && TRANSIENT_CODES.has(r.body.code);
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** attempt, 10_000) * (0.5 + Math.random())));

/**
 * Runs the device's jobs over AWS IoT's Jobs device API: on connect and on every
 * notify-next, start-next; then reports each step with the execution's version and
 * number. Notifications may repeat; an execution is run once.
 */
export class JobRunner {
  private busy = false;
  private readonly waiting = new Map<string, (r: Reply) => void>();

  constructor(
    private readonly client: MqttClient,
    private readonly thingName: string,
    private readonly executor: JobExecutor,
    private readonly onError: (err: Error, jobId?: string) => void = () => undefined,
    private readonly log: AgentLog = SILENT,
  ) {
    client.on('connect', () => {
      client.subscribe([jobsTopic(thingName, 'notify-next'), jobsTopic(thingName, 'start-next/+'), jobsTopic(thingName, '+/update/+')], { qos: 1 }, () => this.poll());
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (!topic.startsWith(jobsTopic(this.thingName, ''))) return;
    let body: any;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    if (topic.endsWith('/notify-next')) {
      if (body.execution) this.poll();
      return;
    }
    const outcome = topic.endsWith('/accepted') ? 'accepted' : topic.endsWith('/rejected') ? 'rejected' : undefined;
    const resolve = outcome && body.clientToken && this.waiting.get(body.clientToken);
    if (resolve) {
      this.waiting.delete(body.clientToken);
      resolve({ outcome, body });
    }
  }

  /**
   * Takes the next execution, unless one is already running. When the service did not
   * answer (a gateway restarting, a reconnecting fleet) or said "not now" (throttled), it
   * asks again a little later: start-next hands back the execution in progress, so nothing
   * is lost or run twice.
   */
  private poll(): void {
    if (this.busy) return;
    this.busy = true;
    void this.runNext()
      .catch((err: Error & { retry?: boolean }) => {
        this.onError(err);
        if (err.retry) setTimeout(() => this.client.connected && this.poll(), RETRY_MS * (0.5 + Math.random()));
      })
      .finally(() => (this.busy = false));
  }

  private async runNext(): Promise<void> {
    for (;;) {
      const started = await this.request('start-next', {});
      if (transient(started)) throw Object.assign(new Error(`start-next: ${started.body.code}: ${started.body.message}`), { retry: true });
      const execution = started.body.execution as JobExecutionPayload | undefined;
      if (started.outcome !== 'accepted' || !execution?.jobDocument) return;
      const rebooting = await this.run(execution);
      if (rebooting) return;
    }
  }

  /** One execution; returns true when the device is rebooting. */
  private async run(execution: JobExecutionPayload): Promise<boolean> {
    const doc = execution.jobDocument!;
    const key = `${execution.jobId}#${execution.executionNumber}`;
    const fields = { jobId: execution.jobId, logStream: 'ota_log' };
    this.log.info(fields, `job ${execution.jobId}: ${doc.operation}${doc.operation === 'OTA' ? ` to ${doc.imageVersion}` : ''}, execution ${execution.executionNumber}`);
    let version = execution.versionNumber;
    const update = async (status: string, statusDetails?: Record<string, string>) => {
      this.log.info(fields, `job ${execution.jobId}: ${status}${statusDetails?.step ? ` (${statusDetails.step})` : ''}`);
      const body = { status, statusDetails, expectedVersion: version, executionNumber: execution.executionNumber, includeJobExecutionState: true };
      for (let attempt = 1; ; attempt++) {
        let r: Reply;
        try {
          r = await this.request(`${execution.jobId}/update`, body);
        } catch (err) {
          if (attempt < 3) continue; // the reply was lost: send the same update again
          throw err;
        }
        if (transient(r)) {
          // Throttled or a service under load: the same update, after a backoff; in the end, from start-next again.
          if (attempt < 5) {
            await backoff(attempt);
            continue;
          }
          throw Object.assign(new Error(`${r.body.code}: ${r.body.message}`), { retry: true });
        }
        const state = r.body.executionState as { status: string; statusDetails?: Record<string, string>; versionNumber: number } | undefined;
        // A repeat of an update that was applied (its reply lost) is refused with the state it produced: that is success.
        const applied = r.outcome === 'accepted' || (state?.status === status && state.statusDetails?.step === statusDetails?.step);
        if (!applied) throw Object.assign(new Error(`${r.body.code}: ${r.body.message}`), { code: r.body.code });
        version = state!.versionNumber;
        return;
      }
    };
    try {
      if (doc.operation === 'OTA' && !this.executor.installed.has(key)) {
        const file = await this.executor.download(doc, (step) => update('IN_PROGRESS', { step }));
        await this.executor.install(doc, file);
        this.executor.installed.add(key); // a restart from here on reports, never reinstalls
        this.log.info(fields, `job ${execution.jobId}: software ${doc.imageVersion} installed`);
      }
      await update('SUCCEEDED', { step: 'REBOOTING' });
    } catch (err) {
      const e = err as Error & { code?: string; retry?: boolean };
      if (e.retry) throw e; // not the job's fault: the execution resumes when the service answers again
      this.onError(e, execution.jobId);
      // The service refused the report (the job was canceled or timed out meanwhile): nothing to undo here.
      if (!e.code) await update('FAILED', { reason: e.message.slice(0, 1000) || 'failed' }).catch(() => undefined);
      return false;
    }
    this.log.info(fields, `job ${execution.jobId}: rebooting`);
    await this.executor.reboot();
    return true;
  }

  private request(suffix: string, body: object): Promise<Reply> {
    const clientToken = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(clientToken);
        reject(Object.assign(new Error(`no reply to ${suffix}`), { retry: true }));
      }, TIMEOUT_MS);
      this.waiting.set(clientToken, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.client.publish(jobsTopic(this.thingName, suffix), JSON.stringify({ ...body, clientToken }), { qos: 1 });
    });
  }
}
