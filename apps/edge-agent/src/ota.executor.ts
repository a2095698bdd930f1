import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JobDocument } from '@edgefleet/contracts';
import { downloadVerified } from './download';
import type { JobExecutor } from './job.runner';

type Ota = Extract<JobDocument, { operation: 'OTA' }>;

interface AgentState {
  /** The software version installed by the last OTA; reported after the restart. */
  installedVersion?: string;
  installed: string[];
}

export interface OtaOptions {
  dataDir: string;
  /** Run with the image file as its last argument (and IMAGE_FILE, IMAGE_VERSION in the environment); non-zero exit fails the job. */
  installCommand?: string;
  /** Run to reboot the host; the agent then reconnects as after a restart. */
  rebootCommand?: string;
  /** Called for a restart without a reboot command: drop the connection and come back. */
  restart: () => Promise<void>;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `${command} "$@"`, 'sh', ...args], { env: { ...process.env, ...env }, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

/** The reference agent's job executor: resumable download, SHA-256 check, install and reboot hooks, state in the data directory. */
export class HostOtaExecutor implements JobExecutor {
  private readonly stateFile: string;
  private state: AgentState;

  constructor(private readonly opts: OtaOptions) {
    this.stateFile = path.join(opts.dataDir, 'jobs-state.json');
    this.state = existsSync(this.stateFile) ? (JSON.parse(readFileSync(this.stateFile, 'utf8')) as AgentState) : { installed: [] };
  }

  get installedVersion(): string | undefined {
    return this.state.installedVersion;
  }

  readonly installed = {
    has: (key: string) => this.state.installed.includes(key),
    add: (key: string) => {
      this.state.installed = [...this.state.installed.slice(-99), key];
      this.save();
    },
  };

  /** Downloads into `<dataDir>/downloads/<sha256>.part`, resuming with a Range request after an interruption. */
  download(doc: Ota, step: (s: 'DOWNLOADING' | 'VERIFYING') => Promise<void>): Promise<string> {
    return downloadVerified({ url: doc.url, sha256: doc.sha256, size: doc.size }, path.join(this.opts.dataDir, 'downloads'), {
      downloading: () => step('DOWNLOADING'),
      verifying: () => step('VERIFYING'),
    });
  }

  async install(doc: Ota, file: string): Promise<void> {
    if (this.opts.installCommand) await run(this.opts.installCommand, [file], { IMAGE_FILE: file, IMAGE_VERSION: doc.imageVersion });
    this.state.installedVersion = doc.imageVersion;
    this.save();
    rmSync(file, { force: true });
  }

  async reboot(): Promise<void> {
    if (this.opts.rebootCommand) await run(this.opts.rebootCommand, [], {});
    await this.opts.restart();
  }

  private save(): void {
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state), { mode: 0o600 });
    renameSync(tmp, this.stateFile);
  }
}
