/**
 * `npm run bench [-- --quick] [-- --only a,b] [-- --profile]`: every benchmark in sequence, each
 * in its own process, database and ports (see `bench()` in support.ts). Prints each result as
 * JSON, then a summary table. Full runs measure two fleet sizes per benchmark, so the report
 * shows how cost grows; `--quick` runs one small size of each, in under 5 minutes in all.
 * `--profile` records a V8 CPU profile of every EdgeFleet process and adds its summary
 * (busiest functions and packages by self time) to the result.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeProfile } from './profile';
import { ROOT, type BenchResult } from './support';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, profile: { type: 'boolean', default: false } } });

/** Fleet sizes: one for --quick, two for a full run. */
const SIZES: Record<string, { quick: number[]; full: number[] }> = {
  'shadow-ingest': { quick: [500], full: [1000, 5000] },
  'devices-page': { quick: [10_000], full: [10_000, 100_000] },
  provisioning: { quick: [200], full: [500, 2000] },
  rollout: { quick: [1000], full: [2000, 10_000] },
  'gateway-memory': { quick: [2000], full: [2000, 10_000] },
  deploy: { quick: [300], full: [500, 2000] },
  containers: { quick: [10], full: [10] },
  vision: { quick: [3], full: [3] },
  tunnel: { quick: [1], full: [1] },
  credentials: { quick: [100], full: [100] },
  groups: { quick: [300], full: [2000, 10_000] },
  scale: { quick: [3000], full: [10_000, 50_000] },
};

function runOne(name: string, devices: number): Promise<BenchResult | { benchmark: string; devices: number; failed: string }> {
  const profileDir = values.profile ? mkdtempSync(path.join(os.tmpdir(), `edgefleet-prof-${name}-`)) : undefined;
  const args = ['-r', './infra/scripts/register.js', `bench/${name}/run.ts`, '--devices', String(devices), ...(values.quick ? ['--quick'] : [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...(profileDir ? { BENCH_CPU_PROF_DIR: profileDir } : {}) }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      let result: BenchResult | { benchmark: string; devices: number; failed: string };
      try {
        result = JSON.parse(out) as BenchResult;
      } catch {
        result = { benchmark: name, devices, failed: `exited with ${code}: ${out.slice(-500)}` };
      }
      if (profileDir) {
        const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
        (result as Record<string, unknown>).profile = files.map((f) => summarizeProfile(path.join(profileDir, f)));
        rmSync(profileDir, { recursive: true, force: true });
      }
      resolve(result);
    });
  });
}

const cell = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v).replace(/"/g, '') : String(v ?? ''));

async function main() {
  const names = values.only ? values.only.split(',') : Object.keys(SIZES);
  const results: Record<string, unknown>[] = [];
  const started = Date.now();
  for (const name of names) {
    if (!SIZES[name]) throw new Error(`no benchmark named ${name}; there are ${Object.keys(SIZES).join(', ')}`);
    for (const devices of SIZES[name][values.quick ? 'quick' : 'full']) {
      process.stderr.write(`\n== ${name}, ${devices} devices\n`);
      const result = await runOne(name, devices);
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      results.push(result as Record<string, unknown>);
    }
  }
  const rows = results.map((r) => [r.benchmark, r.devices, cell(r.measured), r.baseline ? `${(r.baseline as BenchResult['baseline']).value} ${(r.baseline as BenchResult['baseline']).unit}` : '', r.ratio, cell(r.target), r.failed ? 'FAILED' : r.met ? 'yes' : 'no', r.lost].map(cell));
  const header = ['benchmark', 'devices', 'measured', 'baseline', 'ratio', 'target', 'met', 'lost'];
  const widths = header.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => c.slice(0, widths[i]).padEnd(widths[i])).join(' | ');
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write(`\n${results.length} runs in ${Math.round((Date.now() - started) / 1000)} s\n`);
  process.exit(results.some((r) => r.failed || (r.lost as number) > 0) ? 1 : 0);
}

void main();
