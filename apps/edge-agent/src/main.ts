import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { redactSecrets } from '@edgefleet/domain';
import { AgentError, readBundle } from './bundle.reader';
import { connectDevice } from './device.connection';
import { loadIdentity, resetDevice, saveIdentity } from './identity.store';
import { provisionWithBundle } from './provisioner';
import { ShadowSync } from './shadow.sync';
import { hostSystemReport } from './system.report';
import { OutputFrames } from './vision/output.frames';
import { PreviewServer } from './vision/preview.server';
import { Snapshots } from './vision/snapshots';
import { VisionPlane } from './vision/vision.plane';
import { JobRunner } from './job.runner';
import { HostOtaExecutor } from './ota.executor';
import { ApplicationsRunner } from './applications/applications.runner';
import { LogShipper } from './applications/log.shipper';
import type { ApplicationRuntime } from './applications/application.runtime';
import { ContainerRuntime } from './applications/container.runtime';
import { dockerClient } from './applications/docker.engine';
import { ProcessRuntime } from './applications/process.runtime';
import { RuntimeCredentials } from './applications/runtime-credentials';
import type { ServiceAddress } from '@edgefleet/local-proxy';
import { TunnelAgent, parseTunnelService } from './tunnels/tunnel.agent';

const USAGE =
  'usage: edge-agent --data-dir <dir> [--bundle certificates-omni_<name>.zip] [--reset identity|all] [--serial <serial number>] [--software-version <x.y.z>] [--install-command <cmd>] [--reboot-command <cmd>]' +
  ' [--runtime container|process] [--docker-host unix:///var/run/docker.sock|tcp://host:2376] [--container-network bridge|host|none] [--storage-dir <dir>] [--keep-images <n>] [--preview-port <port>]' +
  ' [--tunnel-endpoint wss://<api host>] [--tunnel-service SSH=127.0.0.1:22 …] [--config <file.json>]';
const RESET_MODES = ['identity', 'all'] as const;
const RUNTIMES = ['container', 'process'] as const;

interface FileConfig {
  dataDir?: string;
  bundle?: string;
  serial?: string;
  softwareVersion?: string;
  installCommand?: string;
  rebootCommand?: string;
  runtime?: string;
  dockerHost?: string;
  containerNetwork?: string;
  storageDir?: string;
  keepImages?: number;
  /** Where the applications' video output is served as JPEG and MJPEG, on 127.0.0.1 (off unless set). */
  previewPort?: number;
  /** Host folders (and what is below them) and devices that descriptors' createOptions may use on this device. */
  allowedBinds?: string[];
  allowedDevices?: string[];
  /** Secure tunnels: the tunneling endpoint (EdgeFleet's api as ws:// or wss://; unset, AWS IoT's of the tunnel's region). */
  tunnelEndpoint?: string;
  /** The services a tunnel may reach on this device, {"SSH": "127.0.0.1:22"} (the default: SSH only); {} allows none. */
  tunnelServices?: Record<string, string>;
}

function readConfigFile(file: string): FileConfig {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as FileConfig;
  } catch (err) {
    throw new AgentError(`Cannot read the configuration file ${file}: ${(err as Error).message}`);
  }
}

async function main() {
  const { values: cli } = parseArgs({
    options: {
      config: { type: 'string', default: process.env.EDGE_AGENT_CONFIG },
      bundle: { type: 'string' },
      'data-dir': { type: 'string' },
      serial: { type: 'string' },
      'software-version': { type: 'string', default: process.env.EDGE_AGENT_SOFTWARE_VERSION },
      'install-command': { type: 'string' },
      'reboot-command': { type: 'string' },
      reset: { type: 'string' },
      runtime: { type: 'string', default: process.env.EDGE_AGENT_RUNTIME },
      'docker-host': { type: 'string', default: process.env.DOCKER_HOST },
      'container-network': { type: 'string' },
      'storage-dir': { type: 'string' },
      'keep-images': { type: 'string' },
      'preview-port': { type: 'string' },
      'tunnel-endpoint': { type: 'string', default: process.env.EDGE_AGENT_TUNNEL_ENDPOINT },
      'tunnel-service': { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  // A JSON file ({"dataDir", "bundle", "serial", "softwareVersion"}) gives defaults; the command line wins.
  const file = cli.config ? readConfigFile(cli.config) : {};
  const values = {
    help: cli.help,
    bundle: cli.bundle ?? file.bundle,
    'data-dir': cli['data-dir'] ?? file.dataDir,
    serial: cli.serial ?? file.serial,
    'software-version': cli['software-version'] ?? file.softwareVersion ?? '1.0.0',
    'install-command': cli['install-command'] ?? file.installCommand,
    'reboot-command': cli['reboot-command'] ?? file.rebootCommand,
    runtime: cli.runtime ?? file.runtime ?? 'process',
    'docker-host': cli['docker-host'] ?? file.dockerHost ?? 'unix:///var/run/docker.sock',
    'container-network': cli['container-network'] ?? file.containerNetwork ?? 'bridge',
    'keep-images': cli['keep-images'] ?? String(file.keepImages ?? 1),
    'storage-dir': cli['storage-dir'] ?? file.storageDir,
    'preview-port': cli['preview-port'] ?? (file.previewPort === undefined ? undefined : String(file.previewPort)),
  };
  if (values.help || !values['data-dir']) throw new AgentError(USAGE);
  if (cli.reset !== undefined && !RESET_MODES.includes(cli.reset as never)) throw new AgentError(`--reset takes identity (keep applications) or all (wipe everything), not ${JSON.stringify(cli.reset)}.`);
  if (!RUNTIMES.includes(values.runtime as never)) throw new AgentError(`--runtime takes container (a Docker Engine) or process (child processes), not ${JSON.stringify(values.runtime)}.`);
  if (!['bridge', 'host', 'none'].includes(values['container-network'])) throw new AgentError(`--container-network takes bridge, host or none, not ${JSON.stringify(values['container-network'])}.`);
  if (values['preview-port'] !== undefined && !(/^\d{1,5}$/.test(values['preview-port']) && Number(values['preview-port']) < 65536)) {
    throw new AgentError(`--preview-port takes a TCP port (0 for any free one), not ${JSON.stringify(values['preview-port'])}.`);
  }
  const tunnelEndpoint = cli['tunnel-endpoint'] ?? file.tunnelEndpoint;
  if (tunnelEndpoint !== undefined && !/^(wss?|https?):\/\/[^\s/]+/.test(tunnelEndpoint)) throw new AgentError(`--tunnel-endpoint takes a ws://, wss://, http:// or https:// URL, not ${JSON.stringify(tunnelEndpoint)}.`);
  let tunnelServices: Record<string, ServiceAddress>;
  try {
    tunnelServices = Object.fromEntries((cli['tunnel-service'] ?? Object.entries(file.tunnelServices ?? { SSH: '127.0.0.1:22' }).map(([id, at]) => `${id}=${at}`)).map(parseTunnelService));
  } catch (err) {
    throw new AgentError((err as Error).message);
  }
  if (!/^\d{1,3}$/.test(values['keep-images'])) throw new AgentError(`--keep-images takes a number of images (0 to 999), not ${JSON.stringify(values['keep-images'])}.`);
  // The agent's own events go to its output and, once it is connected, to the device's log group in EdgeFleet; signed URLs and keys never do.
  const logs = new LogShipper();
  const log = pino({ level: process.env.LOG_LEVEL ?? 'info', hooks: { streamWrite: redactSecrets } }, pino.multistream([{ stream: process.stdout }, { stream: logs.destination() }]));
  const dataDir = values['data-dir'];

  if (cli.reset) {
    resetDevice(dataDir, cli.reset as (typeof RESET_MODES)[number]);
    log.info({ reset: cli.reset }, cli.reset === 'all' ? 'reset: identity, applications and data wiped' : 'reset: identity wiped, applications kept');
  }
  // Where applications run is checked first: a wrong engine address says so before anything else happens.
  // Cameras, models and panoramasdk for the applications' code, in containers or processes.
  const outputs = new OutputFrames();
  if (values['preview-port'] !== undefined) log.info({ url: `http://127.0.0.1:${await new PreviewServer(outputs).listen(Number(values['preview-port']))}/` }, 'video output preview');
  const vision = new VisionPlane(dataDir, outputs);
  const runtime = await applicationRuntime(values, file, dataDir, vision).catch((err: Error) => {
    throw new AgentError(err.message);
  });
  const runtimeReport = runtime.describe();
  if (runtimeReport.status !== 0) log.warn({ runtime: runtimeReport }, 'applications cannot run here yet');
  let identity = loadIdentity(dataDir);
  const bundle = values.bundle ? readBundle(values.bundle) : undefined;
  if (identity && bundle && bundle.config.thingName !== identity.thingName) {
    throw new AgentError(`${dataDir} is already ${identity.thingName}; the bundle is for ${bundle.config.thingName}. Start with --reset identity (keep applications) or --reset all to take the new identity.`);
  }
  if (!identity) {
    if (!bundle) throw new AgentError(`${dataDir} holds no device identity yet: pass --bundle to provision. ${USAGE}`);
    log.info({ thingName: bundle.config.thingName }, 'provisioning with the bundle');
    identity = await provisionWithBundle(bundle, values.serial ? { SerialNumber: values.serial } : {});
    saveIdentity(dataDir, identity);
    log.info({ thingName: identity.thingName }, 'provisioned; identity stored');
  } else if (bundle) {
    log.info({ thingName: identity.thingName }, 'already provisioned; the bundle is not needed any more');
  }

  const client = connectDevice(identity);
  logs.attach(client, identity.thingName);
  const ota = new HostOtaExecutor({
    dataDir,
    installCommand: values['install-command'],
    rebootCommand: values['reboot-command'],
    // Without a reboot command, a restart of the agent's connection stands in for the reboot.
    restart: async () => {
      log.info('restarting');
      client.stream.destroy();
    },
  });
  // After an OTA, the installed version is what the device runs.
  const report = () =>
    hostSystemReport({ serial: values.serial, softwareVersion: ota.installedVersion ?? values['software-version'], networking: identity!.networking, runtime: runtime.describe(), cameras: vision.cameras.report() });
  new JobRunner(client, identity.thingName, ota, (err, jobId) => log.warn({ err: err.message, jobId, logStream: 'ota_log' }, 'job failed'), log);
  const system = new ShadowSync(client, identity.thingName, report, (desired) => log.info({ desired }, 'applying desired state'));
  // A camera's status goes to the system shadow as it changes (a burst of changes as one report).
  let camerasChanged: NodeJS.Timeout | undefined;
  vision.cameras.on('changed', () => (camerasChanged ??= setTimeout(() => ((camerasChanged = undefined), client.connected && system.publishReport(report())), 200)));
  // Applications from the `applications` shadow, code nodes as containers or child processes; their output and ours go to EdgeFleet's logs.
  const snapshots = new Snapshots(client, identity.thingName, outputs, log);
  const applications = new ApplicationsRunner(client, identity.thingName, runtime, { dataDir, logs, log, snapshots, credentials: new RuntimeCredentials(identity) });
  // Secure tunnels to the services this device allows (SSH by default), joined when EdgeFleet or AWS IoT says one opened.
  const tunnels = new TunnelAgent(client, identity.thingName, { dataDir, endpoint: tunnelEndpoint, services: tunnelServices, log });
  client.on('connect', () => log.info({ thingName: identity!.thingName }, 'connected'));
  client.on('offline', () => log.warn('offline; reconnecting'));
  client.on('error', (err: Error & { code?: number }) => {
    if (err.code === 5) {
      // The gateway says, for good, that this certificate is not authorized: the device was deregistered (deleted) or revoked (connectDevice ends the connection).
      resetDevice(dataDir, 'identity');
      process.stderr.write(`edge-agent: ${identity!.thingName} was deregistered (its certificate is no longer authorized); its identity was wiped. Provision it again: start with --bundle <a new bundle>.\n`);
      void applications.stop().finally(() => process.exit(3));
    }
    log.warn({ err: err.message }, 'connection error');
  });
  // Containers run on without the agent: it adopts them when it comes back. Child processes end with it.
  const stop = () =>
    void Promise.all([tunnels.stop(), runtime instanceof ContainerRuntime ? Promise.resolve() : applications.stop()]).finally(() => {
      logs.stop();
      client.end(false, () => process.exit(0));
      // A connection that cannot close cleanly (the gateway went first) does not keep the agent up.
      setTimeout(() => process.exit(0), 3000);
    });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** The runtime `--runtime` names: containers on the Docker Engine of `--docker-host`, or child processes. */
async function applicationRuntime(values: { runtime: string; 'docker-host': string; 'container-network': string; 'keep-images': string; 'storage-dir'?: string }, file: FileConfig, dataDir: string, vision: VisionPlane): Promise<ApplicationRuntime> {
  if (values.runtime === 'process') return new ProcessRuntime(dataDir, vision);
  const { docker, address } = dockerClient(values['docker-host'], dataDir);
  const runtime = new ContainerRuntime({
    docker,
    address,
    dataDir,
    storageDir: values['storage-dir'],
    network: values['container-network'],
    keepImages: Number(values['keep-images']),
    allowedBinds: file.allowedBinds,
    allowedDevices: file.allowedDevices,
    vision,
  });
  await runtime.probe();
  return runtime;
}

main().catch((err: unknown) => {
  process.stderr.write(`edge-agent: ${err instanceof AgentError ? err.message : ((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
