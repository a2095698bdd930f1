import type { MqttClient } from 'mqtt';
import { logsTopic } from '@edgefleet/contracts';

const FLUSH_MS = 1000;
/** Per message: the gateway's LOG_MAX_EVENTS_PER_BATCH default, and well under its payload limit. */
const MAX_EVENTS = 200;
const MAX_MESSAGE = 4096;
/** Lines waiting while offline or flooding; beyond this the oldest go, and a line says how many. */
const MAX_BUFFERED = 5000;

/**
 * Ships node output and the agent's own lines in batches over the device's logs topic, one
 * message per stream per second at most (so a chatty node stays under the per-thing rate).
 */
export class LogShipper {
  private readonly streams = new Map<string, { applicationInstanceId?: string; logStream: string; events: { timestamp: number; message: string }[] }>();
  private dropped = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly client: MqttClient,
    private readonly thingName: string,
  ) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** A line of an application's node (applicationInstanceId set) or of the device itself. */
  add(applicationInstanceId: string | undefined, logStream: string, message: string): void {
    const key = `${applicationInstanceId ?? ''}/${logStream}`;
    const stream = this.streams.get(key) ?? { applicationInstanceId, logStream, events: [] };
    this.streams.set(key, stream);
    stream.events.push({ timestamp: Date.now(), message: message.slice(0, MAX_MESSAGE) });
    if (stream.events.length > MAX_BUFFERED) {
      this.dropped += stream.events.length - MAX_BUFFERED;
      stream.events.splice(0, stream.events.length - MAX_BUFFERED);
    }
  }

  flush(): void {
    if (!this.client.connected) return;
    for (const stream of this.streams.values()) {
      if (stream.events.length === 0) continue;
      if (this.dropped > 0) {
        stream.events.unshift({ timestamp: Date.now(), message: `[edge-agent] ${this.dropped} log lines dropped (buffer full)` });
        this.dropped = 0;
      }
      const events = stream.events.splice(0, MAX_EVENTS);
      this.client.publish(logsTopic(this.thingName), JSON.stringify({ ...(stream.applicationInstanceId ? { applicationInstanceId: stream.applicationInstanceId } : {}), logStream: stream.logStream, events }), { qos: 1 });
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
