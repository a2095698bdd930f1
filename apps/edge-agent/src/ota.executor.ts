import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { JobDocument } from '@edgefleet/contracts';
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

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
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
  async download(doc: Ota, step: (s: 'DOWNLOADING' | 'VERIFYING') => Promise<void>): Promise<string> {
    const dir = path.join(this.opts.dataDir, 'downloads');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, doc.sha256);
    if (!existsSync(file)) {
      await step('DOWNLOADING');
      const part = `${file}.part`;
      const have = existsSync(part) ? statSync(part).size : 0;
      const res = await fetch(doc.url, { headers: have > 0 && have < doc.size ? { range: `bytes=${have}-` } : {} });
      if (res.status !== 200 && res.status !== 206) throw new Error(`download failed: HTTP ${res.status} ${await res.text()}`);
      await pipeline(Readable.fromWeb(res.body as never), createWriteStream(part, { flags: res.status === 206 ? 'a' : 'w' }));
      renameSync(part, file);
    }
    await step('VERIFYING');
    const size = statSync(file).size;
    const digest = await sha256Of(file);
    if (size !== doc.size || digest !== doc.sha256) {
      rmSync(file, { force: true });
      throw new Error(`verification failed: got ${size} bytes with SHA-256 ${digest}, expected ${doc.size} bytes with ${doc.sha256}`);
    }
    return file;
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
