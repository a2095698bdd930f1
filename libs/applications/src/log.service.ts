import { Injectable } from '@nestjs/common';
import { DeviceService } from '@edgefleet/devices';
import { assertPageSize, decodeCursor, lastPageOf, notFound, pageOf, validationFailed } from '@edgefleet/domain';
import type { Principal } from '@edgefleet/organizations';
import { ApplicationInstanceRepository } from './application-instance.repository';
import { applicationLogGroup, deviceLogGroup } from './device-applications-api.service';
import { LogRepository } from './log.repository';

/**
 * Which lines of a log group: `first` after `after` (oldest first), or the newest `last` before
 * `before` (as `tail` does), within `since` and `until`; 100 from the oldest when neither is given.
 */
export interface LogWindow {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  since?: Date | null;
  until?: Date | null;
}

export interface LogEventView {
  logGroup: string;
  logStream: string;
  timestamp: Date;
  message: string;
  ingestionTime: Date;
}

/** Panorama's log groups, read back: a device's own logs and its applications' node output, oldest first or newest last. */
@Injectable()
export class LogService {
  constructor(
    private readonly logs: LogRepository,
    private readonly instances: ApplicationInstanceRepository,
    private readonly devices: DeviceService,
  ) {}

  async deviceLogs(principal: Principal, args: { deviceId: string; logStream?: string | null } & LogWindow) {
    if (!(await this.devices.exists(principal.organizationId, args.deviceId))) throw notFound('Device', args.deviceId);
    return this.page(deviceLogGroup(args.deviceId), args.logStream ?? null, args);
  }

  async applicationInstanceLogs(principal: Principal, args: { applicationInstanceId: string; nodeName?: string | null } & LogWindow) {
    const instance = await this.instances.find(principal.organizationId, args.applicationInstanceId);
    if (!instance) throw notFound('Application instance', args.applicationInstanceId);
    return this.page(applicationLogGroup(instance.defaultRuntimeContextDevice, instance.applicationInstanceId), args.nodeName ?? null, args);
  }

  /**
   * CloudWatch Logs' view of a log group of this organization: its streams, and events
   * filtered by stream, time range and terms (FilterLogEvents' simplest patterns), by id.
   */
  async streams(principal: Principal, logGroup: string, prefix: string | null) {
    await this.ownGroup(principal, logGroup);
    return this.logs.streams(logGroup, prefix);
  }

  async events(principal: Principal, logGroup: string, q: { streams: string[] | null; streamPrefix: string | null; start: Date | null; end: Date | null; terms: string[]; afterId: bigint; limit: number }) {
    await this.ownGroup(principal, logGroup);
    return this.logs.events({ logGroup, streams: q.streams, streamPrefix: q.streamPrefix, since: q.start, until: q.end, terms: q.terms, afterId: q.afterId }, q.limit + 1);
  }

  /** A log group names its device: it is this organization's, or it is not found (never "forbidden", which would tell it exists). */
  private async ownGroup(principal: Principal, logGroup: string): Promise<void> {
    const deviceId = /^\/aws\/panorama\/devices\/([a-z0-9-]+)(\/applications\/[A-Za-z0-9_-]+)?$/.exec(logGroup)?.[1];
    if (!deviceId || !(await this.devices.exists(principal.organizationId, deviceId))) throw notFound('Log group', logGroup);
  }

  private async page(logGroup: string, logStream: string | null, w: LogWindow) {
    const backwards = w.last !== null && w.last !== undefined;
    if (backwards && (w.first != null || w.after != null)) throw validationFailed('last', 'reads the newest lines; give it with before, not with first or after.');
    if (!backwards && w.before != null) throw validationFailed('before', 'goes with last.');
    const size = (backwards ? w.last : w.first) ?? 100;
    assertPageSize(size, backwards ? 'last' : 'first');
    if (logStream !== null && (logStream.length < 1 || logStream.length > 512)) throw validationFailed('logStream', 'must be 1 to 512 characters.');
    if (w.since && w.until && w.since >= w.until) throw validationFailed('until', 'must be later than since.');
    const cursor = backwards ? w.before : w.after;
    const id = cursor ? this.idOf(cursor, backwards ? 'before' : 'after') : null;
    const filter = { logGroup, streams: logStream ? [logStream] : null, since: w.since, until: w.until, ...(backwards ? { beforeId: id } : { afterId: id }) };
    const rows = await this.logs.events(filter, size + 1, backwards);
    return backwards ? lastPageOf(rows, size, (r) => [String(r.id)]) : pageOf(rows, size, (r) => [String(r.id)]);
  }

  private idOf(cursor: string, argument: string): bigint {
    const value = decodeCursor(cursor, 1, argument)[0];
    if (!/^\d{1,18}$/.test(value)) throw validationFailed(argument, 'is not a cursor returned by this API.', 'INVALID_CURSOR');
    return BigInt(value);
  }
}
