import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { Clock } from '@edgefleet/runtime';
import type { Tx } from '@edgefleet/db';
import {
  DomainError,
  type JobRequest,
  type JobTimeouts,
  assertDeviceIdCount,
  assertPageSize,
  assertJobAllowed,
  deviceArn,
  deviceJobMachine,
  pageOf,
  notFound,
  validationFailed,
  type PageInfo,
} from '@edgefleet/domain';
import { AuditService, type Principal, actorOf } from '@edgefleet/organizations';
import { JobEventsPublisher } from './job-events.publisher';
import { DeviceJobRepository, type JobViewRow } from './device-job.repository';

export interface CreateJobsOptions {
  rolloutId?: string;
  maxAttempts?: number;
  timeouts?: JobTimeouts | null;
  actor: string;
  /** Refuse the whole request when a device breaks a rule (the API); otherwise record that device's job as REJECTED with the reason (rollouts). */
  strict: boolean;
}

/** DescribeDeviceJob's view of a job: its row, its device's ARN and its timeline. */
export type DeviceJobView = Omit<JobViewRow, 'accountId' | 'statusDetails'> & {
  deviceArn: string;
  statusDetails: Record<string, string>;
  timeline: { from: string | null; to: string; actor: string; reason: string | null; at: Date }[];
};

/** A page of jobs (Relay connection), newest first. */
export interface DeviceJobConnection {
  edges: { cursor: string; node: DeviceJobView }[];
  pageInfo: PageInfo;
}

const JOB_ID = /^device-[a-z2-7]{26}-\d{1,9}$/;

@Injectable()
export class JobManagementService {
  constructor(
    private readonly jobs: DeviceJobRepository,
    private readonly audit: AuditService,
    private readonly events: JobEventsPublisher,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Panorama's CreateJobForDevices: every rule checked first; then the jobs and their notifications, in one transaction. */
  async createJobForDevices(principal: Principal, deviceIds: string[], request: JobRequest): Promise<{ jobId: string; deviceId: string }[]> {
    assertDeviceIdCount(deviceIds.length);
    const unique = [...new Set(deviceIds)];
    if (unique.length !== deviceIds.length) throw validationFailed('deviceIds', 'names a device more than once.');
    const jobs = await this.jobs.transaction(
      async (tx) => {
        const created = await this.createJobs(tx, principal.organizationId, unique, request, { actor: actorOf(principal), strict: true });
        await this.audit.record(tx, principal, {
          action: 'deviceJob.create',
          targetType: 'DeviceJob',
          targetId: created[0].jobId,
          details: { jobType: request.jobType, imageVersion: request.imageVersion ?? null, devices: created.length },
        });
        return created;
      },
      60_000,
    );
    return jobs;
  }

  /**
   * Creates one job per device (ids `<deviceId>-<n>`), with their events and notification
   * outbox rows, inside the caller's transaction. Device rows are locked first, so two
   * requests for the same device run one after the other and the active-OTA rule holds.
   */
  async createJobs(tx: Tx, organizationId: string, deviceIds: string[], request: JobRequest, opts: CreateJobsOptions): Promise<{ jobId: string; deviceId: string }[]> {
    const devices = await this.jobs.lockDevices(tx, organizationId, deviceIds);
    if (devices.length !== deviceIds.length) {
      const found = new Set(devices.map((d) => d.deviceId));
      const missing = deviceIds.filter((id) => !found.has(id));
      throw new DomainError('DEVICE_NOT_FOUND', `Devices not found: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}.`, { deviceIds: missing.slice(0, 100) });
    }
    if (request.jobType === 'OTA') {
      const busy = await this.jobs.activeOtaJobs(tx, deviceIds);
      devices.forEach((d) => (d.activeOtaJobId = busy.get(d.deviceId) ?? null));
    }
    const image = request.imageVersion
      ? await this.jobs.image(tx, organizationId, request.imageVersion)
      : null;
    const otaImage = image ? { version: image.version, majorVersionUpdate: image.majorVersionUpdate, uploaded: image.uploadedAt !== null } : undefined;

    const refusals = new Map<string, string>();
    if (opts.strict) {
      assertJobAllowed(request, devices, otaImage);
    } else {
      for (const d of devices) {
        try {
          assertJobAllowed(request, [d], otaImage);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          refusals.set(d.deviceId, `Not eligible: ${err.message}`);
        }
      }
    }

    const rows = devices.map((d) => ({
      jobId: `${d.deviceId}-${d.nextJobNumber}`,
      deviceId: d.deviceId,
      refusal: refusals.get(d.deviceId),
    }));
    await this.jobs.insert(tx, organizationId, rows, request, { ...opts, now: this.clock.now() });
    return rows.map(({ jobId, deviceId }) => ({ jobId, deviceId }));
  }

  /** An OTA job to `version` for the device, unless it has an OTA job under way already (a deployment that needs that version first). */
  async updateFirst(tx: Tx, organizationId: string, deviceId: string, version: string, actor: string): Promise<void> {
    if ((await this.jobs.activeOtaJobs(tx, [deviceId])).size > 0) return;
    await this.createJobs(tx, organizationId, [deviceId], { jobType: 'OTA', imageVersion: version, allowMajorVersionUpdate: true }, { actor, strict: false });
  }

  /** DescribeDeviceJob, with the job's timeline. */
  async describe(principal: Principal, jobId: string): Promise<DeviceJobView> {
    if (!JOB_ID.test(jobId)) throw notFound('Job', jobId);
    const [view] = await this.views(principal.organizationId, { jobId }, 1, true);
    if (!view) throw notFound('Job', jobId);
    return view;
  }

  /** ListDevicesJobs: newest first, optionally for one device. */
  async list(principal: Principal, args: { deviceId?: string | null; first: number; after?: string | null }): Promise<DeviceJobConnection> {
    assertPageSize(args.first);
    const views = await this.views(principal.organizationId, { deviceId: args.deviceId, after: args.after }, args.first + 1, false);
    return pageOf(views, args.first, (v) => [v.createdTime.toISOString(), v.jobId]);
  }

  /** Cancels a queued job (a job a device has started runs to its end). */
  async cancel(principal: Principal, jobId: string, actor = actorOf(principal)): Promise<DeviceJobView> {
    const job = await this.describe(principal, jobId);
    deviceJobMachine.transition(job.status, 'CANCEL');
    const versionNumber = await this.jobs.versionOf(jobId);
    const moved = await this.jobs.transaction(async (tx) => {
      const m = await this.jobs.move({ jobId, status: job.status, versionNumber }, { event: 'CANCEL', actor, reason: 'Canceled by an operator', notify: true }, tx);
      if (!m) throw new DomainError('CHANGED_MEANWHILE', `Job ${jobId} changed meanwhile (the device may have started it); try again.`);
      await this.audit.record(tx, principal, { action: 'deviceJob.cancel', targetType: 'DeviceJob', targetId: jobId });
      return m;
    });
    await this.events.updated({ jobIds: [jobId], rolloutIds: moved.rolloutId ? [moved.rolloutId] : [] });
    return this.describe(principal, jobId);
  }

  private async views(organizationId: string, select: Parameters<DeviceJobRepository['views']>[1], limit: number, withTimeline: boolean): Promise<DeviceJobView[]> {
    const rows = await this.jobs.views(organizationId, select, limit);
    const events = withTimeline && rows.length ? await this.jobs.timeline(rows.map((r) => r.jobId)) : [];
    return rows.map(({ accountId, ...r }) => ({
      ...r,
      statusDetails: (r.statusDetails ?? {}) as Record<string, string>,
      deviceArn: deviceArn(this.config.REGION, accountId, r.deviceId),
      timeline: events.filter((e) => e.jobId === r.jobId).map((e) => ({ from: e.from, to: e.to, actor: e.actor, reason: e.reason, at: e.at })),
    }));
  }
}
