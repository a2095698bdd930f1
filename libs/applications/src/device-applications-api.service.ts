import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import type { ApplicationFrameRequest } from '@edgefleet/contracts';
import { DomainError, type ResolvedGraph, validationFailed } from '@edgefleet/domain';
import { CameraStreamService } from '@edgefleet/streams';
import { ApplicationInstanceRepository } from './application-instance.repository';
import { LogRepository } from './log.repository';

export const deviceLogGroup = (deviceId: string) => `/aws/panorama/devices/${deviceId}`;
export const applicationLogGroup = (deviceId: string, applicationInstanceId: string) => `${deviceLogGroup(deviceId)}/applications/${applicationInstanceId}`;

export interface LogBatch {
  /** Set for an application's node output; absent for the device's own logs. */
  applicationInstanceId?: string;
  /** A node name or console_output for applications; occ_log, ota_log, syslog, … for the device. */
  logStream: string;
  events: { timestamp: number; message: string }[];
}

const MAX_MESSAGE = 8 * 1024;
/** Postgres text cannot hold U+0000: a line keeps its place, with U+FFFD where the NUL was, instead of failing its batch. */
const storable = (message: string) => message.slice(0, MAX_MESSAGE).replaceAll('\u0000', '\uFFFD');

/**
 * What devices ask of EdgeFleet about their applications, over their own MQTT session: a
 * camera's credentials (only for cameras their deployed instances use), log shipping, and the
 * frames operators asked for.
 */
@Injectable()
export class DeviceApplicationsApi {
  constructor(
    private readonly instances: ApplicationInstanceRepository,
    private readonly logs: LogRepository,
    private readonly cameras: CameraStreamService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * Username and password of a camera (its package name), for a device running an instance that
   * uses it; any other ask reads as not found, so a device learns nothing of other cameras.
   */
  async cameraCredentials(deviceId: string, camera: string): Promise<{ username: string; password: string }> {
    const notYours = new DomainError('RESOURCE_NOT_FOUND', `No application deployed to ${deviceId} uses camera ${camera.slice(0, 128)}.`);
    const instances = await this.instances.onDevice(deviceId);
    const uses = instances.find((i) => ((i.resolvedGraph as ResolvedGraph | null)?.nodes ?? []).some((n) => n.category === 'media_source' && n.packageName?.split('::')[1] === camera));
    const credentials = uses && (await this.cameras.credentialsOf(uses.organizationId, camera));
    if (!credentials) throw notYours;
    return credentials;
  }

  /**
   * An application's last output frame, from the device that runs it, taken only while an
   * operator asked for snapshots of it (a frame nobody asked for is refused, and not kept).
   */
  async storeFrame(deviceId: string, frame: ApplicationFrameRequest): Promise<{ accepted: true }> {
    const [instance] = await this.instances.ofDevice(deviceId, [frame.applicationInstanceId]);
    if (!instance) throw new DomainError('RESOURCE_NOT_FOUND', `Application instance ${frame.applicationInstanceId} is not deployed to ${deviceId}.`);
    if (instance.snapshotIntervalSeconds === 0) throw new DomainError('SNAPSHOTS_OFF', `No one asked for snapshots of ${frame.applicationInstanceId}: its frames stay on the device.`);
    const jpeg = new Uint8Array(Buffer.from(frame.jpeg, 'base64'));
    if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8 || jpeg[2] !== 0xff) throw validationFailed('jpeg', 'is not a JPEG image.');
    await this.instances.saveFrame({ applicationInstanceId: frame.applicationInstanceId, streamId: frame.streamId, capturedAt: new Date(frame.capturedAt), labels: frame.labels, jpeg });
    return { accepted: true };
  }

  /** Stores a batch of log lines under Panorama's log groups; lines of an instance not on this device are refused. */
  async ingestLogs(deviceId: string, batch: LogBatch): Promise<{ accepted: number }> {
    if (batch.events.length > this.config.LOG_MAX_EVENTS_PER_BATCH) throw validationFailed('events', `at most ${this.config.LOG_MAX_EVENTS_PER_BATCH} lines per message.`);
    let group = deviceLogGroup(deviceId);
    if (batch.applicationInstanceId) {
      const [instance] = await this.instances.ofDevice(deviceId, [batch.applicationInstanceId]);
      if (!instance) throw new DomainError('RESOURCE_NOT_FOUND', `Application instance ${batch.applicationInstanceId.slice(0, 64)} is not deployed to ${deviceId}.`);
      group = applicationLogGroup(deviceId, batch.applicationInstanceId);
    }
    if (batch.events.length === 0) return { accepted: 0 };
    await this.logs.insert(
      { deviceId, applicationInstanceId: batch.applicationInstanceId ?? null, logGroup: group, logStream: batch.logStream },
      batch.events.map((e) => ({ timestamp: e.timestamp, message: storable(e.message) })),
    );
    return { accepted: batch.events.length };
  }
}
