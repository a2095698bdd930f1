import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './support';

/**
 * What the README's two commands need on a fresh machine of this kind (Node 20, no Chromium):
 * the scripts bring Node 24 and the test prerequisites themselves, and say so in one line.
 */
describe('a fresh machine', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fresh-machine-'));
  /** A directory of commands that shadow the machine's (`node` reporting an old version, `id` a user). */
  const fakeBin = (name: string, commands: Record<string, string>) => {
    const bin = path.join(dir, name);
    mkdirSync(bin, { recursive: true });
    for (const [command, script] of Object.entries(commands)) {
      writeFileSync(path.join(bin, command), `#!/bin/sh\n${script}\n`);
      chmodSync(path.join(bin, command), 0o755);
    }
    return bin;
  };
  const run = (script: string, args: string[], env: NodeJS.ProcessEnv) => spawnSync('sh', [path.join(ROOT, 'infra/scripts', script), ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });

  it('runs a script under Node 24 from the cache when the node on PATH is older than 22, saying so in one line', () => {
    // A cache that already holds Node 24 (this process's node), and a node 20 first on PATH.
    const prefix = path.join(dir, 'node24');
    mkdirSync(path.join(prefix, 'bin'), { recursive: true });
    symlinkSync(process.execPath, path.join(prefix, 'bin/node'));
    const old = fakeBin('old-node', { node: `case "$1" in --version) echo v20.20.2;; -p) echo 20;; *) exit 9;; esac` });
    const r = run('node24.sh', ['node', '-p', 'process.version'], { PATH: `${old}:${process.env.PATH}`, EDGEFLEET_NODE_PREFIX: prefix });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(process.version);
    expect(r.stderr.trim().split('\n')).toEqual([`Running under Node ${process.version} from ${prefix} (the node on PATH is v20.20.2).`]);
  });

  it('does nothing at all for a user whose node is 22 or newer', () => {
    const r = run('node24.sh', ['node', '-p', 'process.version'], { EDGEFLEET_NODE_PREFIX: path.join(dir, 'never-used') });
    expect([r.status, r.stdout.trim(), r.stderr]).toEqual([0, process.version, '']);
  });

  it("stops npm test at once, as a user who may not install, with one line naming Chromium's package and the command", () => {
    const user = fakeBin('user', { id: 'echo 1000' });
    const r = run('test-prerequisites.sh', [], { PATH: `${user}:${process.env.PATH}`, CHROMIUM_PATH: path.join(dir, 'no-chromium') });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(["npm test needs Debian's chromium: install it with  sudo apt-get install -y chromium  (or run npm test as root, which installs it)."]);
  });

  it('stops npm test at once, as a user who may not start it, when no Docker Engine answers', () => {
    const user = fakeBin('user-no-docker', { id: 'echo 1000', docker: 'exit 1' });
    const r = run('test-prerequisites.sh', [], { PATH: `${user}:${process.env.PATH}` });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['npm test needs a running Docker Engine: start it with  sudo dockerd >/var/log/dockerd.log 2>&1 &  (or run npm test as root, which starts it).']);
  });

  it('runs every npm script that starts Node through the same step, and .ci/run through npm test', () => {
    const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    // postinstall and its builds run under whatever node npm install runs on (Node 20 builds them fine).
    const unwrapped = Object.entries(scripts).filter(([name, command]) => !['postinstall', 'console:build', 'prisma:generate'].includes(name) && !command.startsWith('sh infra/scripts/node24.sh '));
    expect(unwrapped).toEqual([]);
    expect(scripts.test).toContain('sh infra/scripts/test-prerequisites.sh &&');
    const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
    expect(ci).not.toMatch(/apt-get|chromium/i);
    expect(execFileSync('npm', ['install-scripts', 'ls'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'warn' } })).not.toMatch(/not yet covered/);
  });
});
