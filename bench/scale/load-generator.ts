/**
 * One load-generator process of bench/scale (a process may open at most 20,000 files here, so
 * the fleet is spread over several): its share of the devices, connected through HAProxy, each
 * doing in a rollout what the reference agent does: on connect, ask for its next job (so a device
 * that lost its gateway picks up where it was); on a job, start it, report SUCCEEDED with step
 * REBOOTING, reconnect ("reboot", spread over a few seconds) and report the new version in its
 * `system` shadow. Reconnects after a lost connection come after 1–10 s, at random, as a fleet's do.
 * Every device starts at once, but the process keeps at most MAX_IN_FLIGHT connection attempts
 * open: its devices share one process's CPU, where real ones each have their own, and thousands of
 * TLS handshakes interleaved in one process all finish late together, past their timeout.
 * Driven by its parent over IPC; reports its counters every half second.
 */
import mqtt, { type MqttClient } from "mqtt";
import type { Creds } from "../support";

export interface GeneratorStart {
  cmd: "start";
  creds: Creds[];
  ca: string;
  port: number;
  version: string;
  rebootSeconds: number;
}
export interface GeneratorStats {
  connected: number;
  /** Connection attempts that ended before a CONNACK (refused handshakes, resets, timeouts). */
  refused: number;
  notified: number;
  firstNotifiedAt: number;
  lastNotifiedAt: number;
  /** Jobs run (installed); a job handed out again after its SUCCEEDED was accepted counts in `repeated`. */
  installs: number;
  repeated: number;
  benchReceived: number;
  lastBenchAt: number;
  /** Devices whose connection dropped without their asking (a gateway gone) and not yet back; the last return. */
  down: number;
  cut: number;
  lastBackAt: number;
}

const stats: GeneratorStats = {
  connected: 0,
  refused: 0,
  notified: 0,
  firstNotifiedAt: 0,
  lastNotifiedAt: 0,
  installs: 0,
  repeated: 0,
  benchReceived: 0,
  lastBenchAt: 0,
  down: 0,
  cut: 0,
  lastBackAt: 0,
};
const clients: MqttClient[] = [];
let stopping = false;
const MAX_IN_FLIGHT = 250;
let inFlight = 0;
const waiting: (() => void)[] = [];
function slot(attempt: () => void): void {
  if (inFlight >= MAX_IN_FLIGHT) return void waiting.push(attempt);
  inFlight++;
  attempt();
}
const release = () => {
  const next = waiting.shift();
  if (next) next();
  else inFlight--;
};
const jobs = (id: string, rest: string) => `$aws/things/${id}/jobs/${rest}`;

function device(start: GeneratorStart, i: number, delayMs: number): void {
  const { id, cert, key } = start.creds[i];
  const ran = new Set<string>();
  const acknowledged = new Set<string>();
  let told = false;
  let lost = false;
  const shadow = `$aws/things/${id}/shadow/name/system/update`;
  const open = () =>
    slot(() => {
      if (stopping) return release();
      const client = mqtt.connect({
        protocol: "mqtts",
        host: "127.0.0.1",
        servername: "localhost",
        port: start.port,
        protocolVersion: 4,
        clientId: id,
        clean: true,
        keepalive: 300,
        connectTimeout: 60_000,
        reconnectPeriod: 0,
        ca: start.ca,
        cert,
        key,
      });
      clients[i] = client;
      let up = false;
      let rebooting = false;
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        release();
      };
      client.on("connect", () => {
        settle();
        up = true;
        stats.connected++;
        if (lost) {
          lost = false;
          stats.down--;
          stats.lastBackAt = Date.now();
        }
        client.subscribe(
          [
            jobs(id, "notify-next"),
            jobs(id, "start-next/accepted"),
            jobs(id, "+/update/accepted"),
            `${shadow}/rejected`,
            `edgefleet/things/${id}/bench`,
          ],
          { qos: 1 },
          () => {
            client.publish(jobs(id, "start-next"), "{}");
            if (ran.size > 0)
              client.publish(
                shadow,
                JSON.stringify({
                  state: { reported: { currentSoftware: start.version } },
                }),
                { qos: 1 },
              );
          },
        );
      });
      client.on("close", () => {
        settle();
        if (up && !rebooting && !lost) {
          lost = true;
          stats.down++;
          stats.cut++;
        }
        if (up) stats.connected--;
        else if (!rebooting) stats.refused++;
        up = false;
        if (!rebooting && !stopping)
          setTimeout(open, 1000 + Math.random() * 9000);
      });
      client.on("error", () => undefined);
      client.on("message", (topic, payload) => {
        if (topic.endsWith("/bench")) {
          stats.benchReceived++;
          stats.lastBenchAt = Date.now();
          return;
        }
        if (topic.endsWith("/rejected"))
          return void setTimeout(
            () =>
              client.publish(
                shadow,
                JSON.stringify({
                  state: { reported: { currentSoftware: start.version } },
                }),
                { qos: 1 },
              ),
            1000 + Math.random() * 2000,
          );
        const body = JSON.parse(payload.toString());
        const execution = body.execution;
        if (
          (topic.endsWith("/notify-next") ||
            topic.endsWith("/start-next/accepted")) &&
          execution &&
          !told
        ) {
          told = true;
          stats.notified++;
          stats.lastNotifiedAt = Date.now();
          stats.firstNotifiedAt ||= stats.lastNotifiedAt;
        }
        if (topic.endsWith("/notify-next") && execution)
          client.publish(jobs(id, "start-next"), "{}");
        else if (
          topic.endsWith("/start-next/accepted") &&
          execution &&
          execution.status === "IN_PROGRESS"
        ) {
          if (acknowledged.has(execution.jobId)) return void stats.repeated++;
          // Installed once; after a lost connection only its outcome is sent again.
          if (!ran.has(execution.jobId)) {
            ran.add(execution.jobId);
            stats.installs++;
          }
          client.publish(
            jobs(id, `${execution.jobId}/update`),
            JSON.stringify({
              status: "SUCCEEDED",
              statusDetails: { step: "REBOOTING" },
              expectedVersion: execution.versionNumber,
            }),
          );
        } else if (topic.endsWith("/update/accepted")) {
          acknowledged.add(topic.split("/")[4]);
          rebooting = true;
          client.end(true, () =>
            setTimeout(open, Math.random() * start.rebootSeconds * 1000),
          );
        }
      });
    });
  setTimeout(open, delayMs);
}

process.on("message", (m: GeneratorStart | { cmd: "stop" }) => {
  if (m.cmd === "start") {
    // "At once": every device starts within the first second.
    for (let i = 0; i < m.creds.length; i++) device(m, i, Math.random() * 1000);
    setInterval(() => process.send!(stats), 500);
  } else {
    stopping = true;
    for (const c of clients) c?.end(true);
    setTimeout(() => process.exit(0), 500);
  }
});
process.send!({ ready: true });
