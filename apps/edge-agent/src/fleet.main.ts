import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type FleetStats, FleetSimulator } from './fleet.simulator';

const BAR = 30;

function line(s: FleetStats): string {
  const done = Math.round((s.provisioned / Math.max(1, s.target)) * BAR);
  return `[${'#'.repeat(done)}${'.'.repeat(BAR - done)}] provisioned ${s.provisioned}/${s.target}  online ${s.online}  offline ${s.offline}  ${s.messagesPerSecond} msg/s  installs ${s.installs}  repeated installs ${s.repeatedInstalls}  job failures ${s.jobFailures}${s.errors ? `  errors ${s.errors}` : ''}`;
}

async function main() {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '10' },
      api: { type: 'string', default: process.env.EDGEFLEET_API_URL ?? `http://127.0.0.1:${process.env.API_PORT ?? 3000}` },
      key: { type: 'string', default: process.env.EDGEFLEET_API_KEY },
      'data-dir': { type: 'string', default: path.join(process.env.DATA_DIR ?? '.data', 'fleet') },
      churn: { type: 'string', default: '0.05' },
      prefix: { type: 'string', default: 'sim' },
      'job-failure-rate': { type: 'string', default: '0' },
      'deploy-failure-rate': { type: 'string', default: '0' },
      'job-step-ms': { type: 'string', default: '200' },
      'reboot-ms': { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const keyFile = path.join(process.env.DATA_DIR ?? '.data', 'admin-api-key');
  const apiKey = values.key ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
  if (!apiKey) throw new Error('Pass --key (or EDGEFLEET_API_KEY): an OPERATOR or ADMIN API key.');
  const devices = Number(values.devices);
  if (!Number.isInteger(devices) || devices < 0) throw new Error('--devices must be a whole number.');
  if (devices === 0) return;
  const tty = process.stdout.isTTY;
  let last = '';
  const sim = new FleetSimulator({
    devices,
    apiUrl: values.api!,
    apiKey,
    dataDir: values['data-dir']!,
    prefix: values.prefix,
    churn: Number(values.churn),
    concurrency: Number(values.concurrency),
    jobs: { failureRate: Number(values['job-failure-rate']), stepMs: Number(values['job-step-ms']), rebootMs: Number(values['reboot-ms']) },
    deployments: { failureRate: Number(values['deploy-failure-rate']) },
    onProgress: (s) => {
      if (tty) return void process.stdout.write(`\r${line(s)}`);
      // Without a terminal, a line only when something other than the message rate changed.
      const now = line({ ...s, messagesPerSecond: 0 });
      if (now !== last) process.stdout.write(`${line(s)}\n`);
      last = now;
    },
  });
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const stats = await sim.start();
  process.stdout.write(`${tty ? '\n' : ''}fleet ready: ${stats.provisioned} devices provisioned${stats.errors ? `, ${stats.errors} failed` : ''}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`fleet: ${(err as Error).message}\n`);
  process.exit(1);
});
