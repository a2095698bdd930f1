import type { MqttClient } from 'mqtt';
import { FRAME_JPEG_MAX_BASE64, applicationFramesTopic } from '@edgefleet/contracts';
import type { AgentLog } from '../agent.log';
import { type OutputFrames, jpegOf } from './output.frames';

/** Snapshots are scaled down to this width: what the console shows, within the gateway's payload limit. */
const SNAPSHOT_WIDTH = 640;

/**
 * Snapshots an operator asked for (the instance spec's `snapshotIntervalSeconds`): every so many
 * seconds the application's newest output frame, labels drawn, goes to EdgeFleet on the device's
 * frames topic. Off (the default), no frame leaves the device.
 */
export class Snapshots {
  private readonly timers = new Map<string, { seconds: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly client: MqttClient,
    private readonly thingName: string,
    private readonly outputs: OutputFrames,
    private readonly log: AgentLog,
  ) {}

  /** Every `seconds` for the instance (0: off). */
  set(applicationInstanceId: string, seconds: number): void {
    const current = this.timers.get(applicationInstanceId);
    if (current?.seconds === seconds) return;
    if (current) clearInterval(current.timer);
    this.timers.delete(applicationInstanceId);
    if (seconds > 0) this.timers.set(applicationInstanceId, { seconds, timer: setInterval(() => void this.send(applicationInstanceId), seconds * 1000) });
  }

  private async send(applicationInstanceId: string): Promise<void> {
    const frame = this.outputs.newest(applicationInstanceId);
    if (!frame || !this.client.connected) return;
    try {
      let jpeg = await jpegOf(frame, { maxWidth: SNAPSHOT_WIDTH });
      // A busy picture can be large: once more at a lower quality, so that it fits.
      if (jpeg.length * 4 / 3 > FRAME_JPEG_MAX_BASE64) jpeg = await jpegOf(frame, { maxWidth: SNAPSHOT_WIDTH, quality: 15 });
      const body = { applicationInstanceId, streamId: frame.streamId, capturedAt: frame.at, labels: frame.labels.map((l) => l[0]).slice(0, 50), jpeg: jpeg.toString('base64') };
      if (body.jpeg.length > FRAME_JPEG_MAX_BASE64) throw new Error(`the frame is ${body.jpeg.length} characters in base64, over ${FRAME_JPEG_MAX_BASE64}`);
      this.client.publish(applicationFramesTopic(this.thingName), JSON.stringify(body), { qos: 1 });
    } catch (err) {
      this.log.warn({ applicationInstanceId, err: (err as Error).message }, 'snapshot not sent');
    }
  }

  stop(): void {
    for (const { timer } of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }
}
