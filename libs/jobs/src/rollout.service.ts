import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CONFIG, type Config } from '@edgefleet/config';
import { type MachineTable, Prisma, PrismaService, type Tx, transition } from '@edgefleet/db';
import { type DeviceFilter, deviceSelectionSql } from '@edgefleet/devices';
import {
  DomainError,
  type JobRequest,
  type RolloutEvent,
  type RolloutStatus,
  MAX_DEVICES_PER_JOB_REQUEST,
  abortConfigSchema,
  assertResourceName,
  devicesThroughWave,
  jobTimeoutsSchema,
  maintenanceWindowSchema,
  notFound,
  rolloutMachine,
  shouldAbort,
  validationFailed,
  wavesSchema,
} from '@edgefleet/domain';
import { AuditService, type Principal, actorOf } from '@edgefleet/organizations';
import { outbox } from '@edgefleet/queue';
import { DeviceJobService } from './device-job.service';
import { JobEventsPublisher } from './job-events.publisher';
import { ACTIVE_JOB_SQL, moveJobs } from './device-job.transitions';
import { assertCron, isWindowOpen } from './maintenance-window';

const ACTOR = 'system:worker';

const ROLLOUTS: MachineTable<RolloutStatus, RolloutEvent> = {
  machine: rolloutMachine,
  table: 'Rollout',
  key: 'id',
  column: 'status',
  enumType: 'RolloutStatus',
  events: { table: 'RolloutEvent', key: 'rolloutId' },
  always: [Prisma.sql`"updatedAt" = now()`],
};

const targetSchema = z
  .object({
    deviceIds: z.array(z.string()).min(1).max(MAX_DEVICES_PER_JOB_REQUEST).nullish(),
    tags: z.array(z.object({ key: z.string().min(1), value: z.string().nullish() })).min(1).max(50).nullish(),
    filter: z.record(z.string(), z.unknown()).nullish(),
  })
  .refine((t) => [t.deviceIds, t.tags, t.filter].filter(Boolean).length === 1, { message: 'give exactly one of deviceIds, tags or filter' });

const rolloutSchema = z.object({
  name: z.string(),
  jobType: z.enum(['OTA', 'REBOOT']),
  imageVersion: z.string().nullish(),
  allowMajorVersionUpdate: z.boolean().nullish(),
  target: targetSchema,
  waves: wavesSchema,
  abortConfig: abortConfigSchema.nullish(),
  timeouts: jobTimeoutsSchema.nullish(),
  retries: z.number().int().min(0).max(10).default(0),
  maintenanceWindow: maintenanceWindowSchema.nullish(),
});
export type RolloutInput = z.input<typeof rolloutSchema>;
type Rollout = z.output<typeof rolloutSchema>;

export interface RolloutProgress {
  targeted: number;
  queued: number;
  inProgress: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  canceled: number;
  rejected: number;
  offline: number;
}

export type RolloutView = Pick<RolloutRow, 'id' | 'name' | 'jobType' | 'status' | 'statusReason' | 'currentWave' | 'createdAt' | 'startedAt' | 'completedAt'> & {
  imageVersion: string | null;
  progress: () => Promise<RolloutProgress>;
};

export interface DryRun {
  devices: { deviceId: string; name: string; online: boolean }[];
  targeted: number;
  offline: number;
}

interface RolloutRow {
  id: string;
  organizationId: string;
  name: string;
  jobType: 'OTA' | 'REBOOT';
  deviceJobConfig: { imageVersion?: string | null; allowMajorVersionUpdate?: boolean | null };
  target: Rollout['target'];
  waves: Rollout['waves'];
  abortConfig: Rollout['abortConfig'];
  timeouts: Rollout['timeouts'];
  retries: number;
  maintenanceWindow: Rollout['maintenanceWindow'];
  status: RolloutStatus;
  statusReason: string | null;
  currentWave: number;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

/**
 * Rollouts: device jobs created wave by wave (initialSize × growthFactor^n, at most
 * maxPerMinute), inside the maintenance window, aborting when too many fail. The api
 * records them; the worker advances them (`advance`, under a row lock).
 */
@Injectable()
export class RolloutService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: DeviceJobService,
    private readonly audit: AuditService,
    private readonly events: JobEventsPublisher,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async create(principal: Principal, input: RolloutInput): Promise<RolloutView> {
    const r = this.validate(input);
    try {
      const row = await this.prisma.$transaction(async (tx) => {
        await this.assertImage(tx, principal.organizationId, r);
        const rollout = await tx.rollout.create({
          data: {
            organizationId: principal.organizationId,
            name: r.name,
            jobType: r.jobType,
            deviceJobConfig: { imageVersion: r.imageVersion ?? null, allowMajorVersionUpdate: r.allowMajorVersionUpdate ?? false },
            target: r.target as object,
            waves: r.waves as object,
            abortConfig: (r.abortConfig ?? undefined) as object | undefined,
            timeouts: (r.timeouts ?? undefined) as object | undefined,
            retries: r.retries,
            maintenanceWindow: (r.maintenanceWindow ?? undefined) as object | undefined,
          },
        });
        await tx.rolloutEvent.create({ data: { rolloutId: rollout.id, from: null, to: 'PENDING', actor: actorOf(principal) } });
        await outbox.enqueue(tx, 'jobs', 'advance-rollout', [{ payload: { rolloutId: rollout.id }, key: `advance-${rollout.id}-created` }]);
        await this.audit.record(tx, principal, { action: 'rollout.create', targetType: 'Rollout', targetId: rollout.id, details: { name: r.name, jobType: r.jobType } });
        return rollout;
      });
      return this.view(row as unknown as RolloutRow);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new DomainError('ALREADY_EXISTS', `A rollout named ${r.name} already exists.`);
      throw err;
    }
  }

  /** Exactly the devices the rollout would create jobs for, without doing anything. */
  async dryRun(principal: Principal, input: RolloutInput): Promise<DryRun> {
    const r = this.validate(input);
    await this.assertImage(this.prisma, principal.organizationId, r);
    const devices = await this.candidates(this.prisma, principal.organizationId, r.target, null, MAX_DEVICES_PER_JOB_REQUEST * 10);
    return { devices, targeted: devices.length, offline: devices.filter((d) => !d.online).length };
  }

  async get(principal: Principal, id: string): Promise<RolloutView> {
    const row = z.uuid().safeParse(id).success ? await this.prisma.rollout.findFirst({ where: { id, organizationId: principal.organizationId } }) : null;
    if (!row) throw notFound('Rollout', id);
    return this.view(row as unknown as RolloutRow);
  }

  async list(principal: Principal): Promise<RolloutView[]> {
    const rows = await this.prisma.rollout.findMany({ where: { organizationId: principal.organizationId }, orderBy: { createdAt: 'desc' }, take: 100 });
    return rows.map((r) => this.view(r as unknown as RolloutRow));
  }

  pause(principal: Principal, id: string) {
    return this.operate(principal, id, 'PAUSE', 'Paused by an operator');
  }

  resume(principal: Principal, id: string) {
    return this.operate(principal, id, 'RESUME', null);
  }

  /** Cancels the rollout and its jobs that have not started; started ones run to their end. */
  cancel(principal: Principal, id: string) {
    return this.operate(principal, id, 'CANCEL', 'Canceled by an operator');
  }

  private async operate(principal: Principal, id: string, event: RolloutEvent, reason: string | null): Promise<RolloutView> {
    await this.get(principal, id); // NOT_FOUND for someone else's rollout
    await this.prisma.$transaction(async (tx) => {
      // Row lock: the worker advancing the rollout waits, so the status read here is the one changed.
      const [row] = await tx.$queryRaw<{ status: RolloutStatus }[]>`SELECT status FROM "Rollout" WHERE id = ${id}::uuid FOR UPDATE`;
      rolloutMachine.transition(row.status, event);
      await this.move(tx, id, row.status, event, actorOf(principal), reason);
      if (event === 'CANCEL') await this.cancelQueued(tx, id, actorOf(principal), 'The rollout was canceled');
      await this.audit.record(tx, principal, { action: `rollout.${event.toLowerCase()}`, targetType: 'Rollout', targetId: id });
    });
    await this.events.updated({ rolloutIds: [id] });
    return this.get(principal, id);
  }

  /** One step of a rollout, by the worker: start, abort, complete, or create the next jobs. Returns whether it is still running. */
  async advance(rolloutId: string, now = new Date()): Promise<boolean> {
    const running = await this.prisma.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRaw<RolloutRow[]>`SELECT * FROM "Rollout" WHERE id = ${rolloutId}::uuid FOR UPDATE SKIP LOCKED`;
        if (!row) return true; // another worker holds it right now
        if (row.status !== 'PENDING' && row.status !== 'IN_PROGRESS') return false;
        const open = isWindowOpen(row.maintenanceWindow, now);
        if (row.status === 'PENDING') {
          if (!open) return true;
          await this.move(tx, rolloutId, 'PENDING', 'START', ACTOR, null);
        }
        const tally = await this.tally(tx, rolloutId);
        const executed = tally.succeeded + tally.failed + tally.timedOut;
        if (shouldAbort(row.abortConfig, { executed, failed: tally.failed + tally.timedOut })) {
          const reason = `${tally.failed + tally.timedOut} of ${executed} executed jobs failed or timed out (threshold ${row.abortConfig!.failurePercent}%)`;
          await this.move(tx, rolloutId, 'IN_PROGRESS', 'ABORT', ACTOR, reason);
          await this.cancelQueued(tx, rolloutId, ACTOR, `The rollout was aborted: ${reason}`);
          return false;
        }
        if (!open) return true;
        const created = tally.total;
        let wave = row.currentWave;
        if (created >= devicesThroughWave(row.waves, wave)) {
          if (tally.unsettled > 0) return true; // the current wave is still running
          wave++;
        }
        let room = devicesThroughWave(row.waves, wave) - created;
        if (row.waves.maxPerMinute) {
          const [{ n }] = await tx.$queryRaw<{ n: number }[]>`
            SELECT count(*)::int AS n FROM "DeviceJob" WHERE "rolloutId" = ${rolloutId}::uuid AND "createdAt" > now() - interval '1 minute'`;
          room = Math.min(room, row.waves.maxPerMinute - n);
        }
        if (room <= 0) return true;
        const next = await this.candidates(tx, row.organizationId, row.target, rolloutId, Math.min(room, MAX_DEVICES_PER_JOB_REQUEST));
        if (next.length === 0) {
          if (tally.active > 0) return true;
          await this.move(tx, rolloutId, 'IN_PROGRESS', 'COMPLETE', ACTOR, null);
          return false;
        }
        const request: JobRequest = { jobType: row.jobType, imageVersion: row.deviceJobConfig.imageVersion, allowMajorVersionUpdate: row.deviceJobConfig.allowMajorVersionUpdate };
        await this.jobs.createJobs(tx, row.organizationId, next.map((d) => d.deviceId), request, {
          rolloutId,
          maxAttempts: row.retries + 1,
          timeouts: row.timeouts,
          actor: ACTOR,
          strict: false,
        });
        if (wave !== row.currentWave) await tx.rollout.update({ where: { id: rolloutId }, data: { currentWave: wave } });
        return true;
      },
      { timeout: 120_000 },
    );
    await this.events.updated({ rolloutIds: [rolloutId] });
    return running;
  }

  /** Rollouts the worker should advance. */
  async activeIds(): Promise<string[]> {
    const rows = await this.prisma.rollout.findMany({ where: { status: { in: ['PENDING', 'IN_PROGRESS'] } }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  async progress(rolloutId: string): Promise<RolloutProgress> {
    const row = await this.prisma.rollout.findUniqueOrThrow({ where: { id: rolloutId } });
    const t = await this.tally(this.prisma, rolloutId);
    const done = ['COMPLETED', 'ABORTED', 'CANCELED'].includes(row.status);
    const remaining = done ? 0 : await this.remaining(row.organizationId, row.target as Rollout['target'], rolloutId);
    return {
      targeted: t.total + remaining,
      queued: t.queued,
      inProgress: t.inProgress,
      succeeded: t.succeeded,
      failed: t.failed,
      timedOut: t.timedOut,
      canceled: t.canceled,
      rejected: t.rejected,
      offline: t.offline,
    };
  }

  private async tally(db: Tx | PrismaService, rolloutId: string) {
    const [t] = await db.$queryRaw<Record<string, number>[]>`
      SELECT count(*)::int AS total,
        count(*) FILTER (WHERE j.status = 'PENDING')::int AS queued,
        count(*) FILTER (WHERE j.status IN ('IN_PROGRESS', 'DOWNLOADING', 'VERIFYING', 'REBOOTING'))::int AS "inProgress",
        count(*) FILTER (WHERE j.status = 'COMPLETED')::int AS succeeded,
        count(*) FILTER (WHERE j.status = 'FAILED')::int AS failed,
        count(*) FILTER (WHERE j.status = 'TIMED_OUT')::int AS "timedOut",
        count(*) FILTER (WHERE j.status = 'CANCELED')::int AS canceled,
        count(*) FILTER (WHERE j.status = 'REJECTED')::int AS rejected,
        count(*) FILTER (WHERE j.status = 'PENDING' AND d."deviceConnectionStatus" <> 'ONLINE')::int AS offline,
        count(*) FILTER (WHERE j.status IN ${ACTIVE_JOB_SQL})::int AS active,
        count(*) FILTER (WHERE j.status IN ${ACTIVE_JOB_SQL} AND NOT (j.status = 'PENDING' AND d."deviceConnectionStatus" <> 'ONLINE'))::int AS unsettled
      FROM "DeviceJob" j JOIN "Device" d ON d."deviceId" = j."deviceId" WHERE j."rolloutId" = ${rolloutId}::uuid`;
    return t as Record<'total' | 'queued' | 'inProgress' | 'succeeded' | 'failed' | 'timedOut' | 'canceled' | 'rejected' | 'offline' | 'active' | 'unsettled', number>;
  }

  /** Provisioned devices the target selects that have no job of this rollout yet, by deviceId. */
  private candidates(db: Tx | PrismaService, organizationId: string, target: Rollout['target'], rolloutId: string | null, limit: number) {
    return db.$queryRaw<{ deviceId: string; name: string; online: boolean }[]>(this.selection(organizationId, target, rolloutId, limit));
  }

  private async remaining(organizationId: string, target: Rollout['target'], rolloutId: string): Promise<number> {
    const [{ n }] = await this.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (${this.selection(organizationId, target, rolloutId, null)}) s`;
    return n;
  }

  private selection(organizationId: string, target: Rollout['target'], rolloutId: string | null, limit: number | null): Prisma.Sql {
    const extra = [Prisma.sql`d."provisioningStatus" = 'SUCCEEDED'`];
    if (target.deviceIds) extra.push(Prisma.sql`d."deviceId" = ANY(${target.deviceIds})`);
    if (rolloutId) extra.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM "DeviceJob" j WHERE j."rolloutId" = ${rolloutId}::uuid AND j."deviceId" = d."deviceId")`);
    const filter = (target.tags ? { tags: target.tags } : (target.filter ?? null)) as DeviceFilter | null;
    return deviceSelectionSql(organizationId, filter, extra, limit);
  }

  private async move(tx: Tx, id: string, from: RolloutStatus, event: RolloutEvent, actor: string, reason: string | null): Promise<boolean> {
    rolloutMachine.transition(from, event);
    const set = [Prisma.sql`"statusReason" = ${reason}`];
    if (event === 'START') set.push(Prisma.sql`"startedAt" = now()`);
    if (['COMPLETE', 'ABORT', 'CANCEL'].includes(event)) set.push(Prisma.sql`"completedAt" = now()`);
    const moved = await transition(tx, ROLLOUTS, { event, where: Prisma.sql`t.id = ${id}::uuid AND t.status = ${from}::"RolloutStatus"`, actor, reason, set });
    return moved.length === 1;
  }

  /** Cancels the rollout's queued jobs (set-based compare-and-set), with events and device notifications. */
  private async cancelQueued(tx: Tx, rolloutId: string, actor: string, reason: string): Promise<void> {
    await moveJobs(tx, this.config, { event: 'CANCEL', where: Prisma.sql`t."rolloutId" = ${rolloutId}::uuid`, actor, reason, notifyKey: `notify-cancel-${rolloutId}-${randomUUID()}` });
  }

  private validate(input: RolloutInput): Rollout {
    const parsed = rolloutSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw validationFailed(issue.path.join('.') || 'input', issue.message);
    }
    const r = parsed.data;
    assertResourceName('name', r.name);
    if (r.jobType === 'OTA' && !r.imageVersion) throw validationFailed('deviceJobConfig.otaJobConfig.imageVersion', 'is required for an OTA rollout.');
    if (r.jobType === 'REBOOT' && r.imageVersion) throw validationFailed('deviceJobConfig', 'a REBOOT rollout takes no otaJobConfig.');
    if (r.maintenanceWindow?.cron) {
      try {
        assertCron(r.maintenanceWindow.cron, r.maintenanceWindow.timezone);
      } catch (err) {
        throw validationFailed('maintenanceWindow.cron', (err as Error).message);
      }
    }
    return r;
  }

  private async assertImage(db: Tx | PrismaService, organizationId: string, r: Rollout): Promise<void> {
    if (r.jobType !== 'OTA') return;
    const image = await db.softwareImage.findUnique({ where: { organizationId_version: { organizationId, version: r.imageVersion! } } });
    if (!image) throw new DomainError('SOFTWARE_IMAGE_NOT_FOUND', `Software image ${r.imageVersion} was not found; register and upload it first.`);
    if (!image.uploadedAt) throw new DomainError('IMAGE_NOT_UPLOADED', `Software image ${r.imageVersion} has no uploaded file yet.`);
  }

  private view(row: RolloutRow): RolloutView {
    const { id, name, jobType, status, statusReason, currentWave, createdAt, startedAt, completedAt } = row;
    return { id, name, jobType, status, statusReason, currentWave, createdAt, startedAt, completedAt, imageVersion: row.deviceJobConfig?.imageVersion ?? null, progress: () => this.progress(id) };
  }
}
