import type { MqttClient } from 'mqtt';
import { Writable } from 'node:stream';
import { logsTopic } from '@edgefleet/contracts';

const FLUSH_MS = 1000;
/** Per message: the gateway's LOG_MAX_EVENTS_PER_BATCH default, and well under its payload limit. */
const MAX_EVENTS = 200;
const MAX_MESSAGE = 4096;
/** Lines waiting while offline or flooding; beyond this the oldest go, and a line says how many. */
const MAX_BUFFERED = 5000;
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields of a pino line that are not worth repeating in the device's log. */
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'logStream']);

/** A pino line as a person reads it in the device's log: level, message, then its fields. */
export function logLine(entry: Record<string, unknown>): string {
  const fields = Object.entries(entry)
    .filter(([k]) => !OMITTED.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [LEVELS[entry.level as number] ?? 'INFO', String(entry.msg ?? ''), ...fields].join(' ');
}

/**
 * Ships node output and the agent's own lines in batches over the device's logs topic, one
 * message per stream per second at most (so a chatty node stays under the per-thing rate).
 * Lines written before the device's connection exists (provisioning) wait for it.
 */
export class LogShipper {
  private readonly streams = new Map<string, { applicationInstanceId?: string; logStream: string; events: { timestamp: number; message: string }[] }>();
  private dropped = 0;
  private readonly timer: NodeJS.Timeout;
  private target?: { client: MqttClient; thingName: string };

  constructor(client?: MqttClient, thingName?: string) {
    if (client && thingName) this.attach(client, thingName);
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** The device's connection, once it has one. */
  attach(client: MqttClient, thingName: string): void {
    this.target = { client, thingName };
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

  /**
   * A destination for the agent's own logger: each line (already redacted by the logger) goes
   * to the device's log group, in the stream its `logStream` field names (`syslog` otherwise),
   * as a Panorama appliance's own events are.
   */
  destination(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line) continue;
          try {
            const entry = JSON.parse(line) as Record<string, unknown>;
            this.add(undefined, typeof entry.logStream === 'string' ? entry.logStream : 'syslog', logLine(entry));
          } catch {
            this.add(undefined, 'syslog', line);
          }
        }
        done();
      },
    });
  }

  flush(): void {
    if (!this.target?.client.connected) return;
    const { client, thingName } = this.target;
    for (const stream of this.streams.values()) {
      if (stream.events.length === 0) continue;
      if (this.dropped > 0) {
        stream.events.unshift({ timestamp: Date.now(), message: `[edge-agent] ${this.dropped} log lines dropped (buffer full)` });
        this.dropped = 0;
      }
      const events = stream.events.splice(0, MAX_EVENTS);
      client.publish(logsTopic(thingName), JSON.stringify({ ...(stream.applicationInstanceId ? { applicationInstanceId: stream.applicationInstanceId } : {}), logStream: stream.logStream, events }), { qos: 1 });
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
