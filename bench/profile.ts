import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where the code lives: the npm package, node's internals, or our own file. */
function owner(url: string): string {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/((?:apps|libs|bench)\/.*)$/.exec(url);
  return ours ? ours[1] : path.basename(url);
}

const share = (map: Map<string, number>, total: number, top: number) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, selfPercent: Math.round((us / total) * 1000) / 10 }));

/**
 * Summarizes a V8 `--cpu-prof` profile by self time: the busiest functions and the busiest
 * packages, in percent of the samples that were not idle, plus how busy the process was.
 */
export function summarizeProfile(file: string, top = 12) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)') {
      if (functionName === '(idle)') idle += us;
      else {
        busy += us;
        functions.set(functionName, (functions.get(functionName) ?? 0) + us);
        packages.set(functionName, (packages.get(functionName) ?? 0) + us);
      }
      continue;
    }
    busy += us;
    const fn = `${functionName || '(anonymous)'} ${owner(url)}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    packages.set(owner(url), (packages.get(owner(url)) ?? 0) + us);
  }
  return {
    process: path.basename(file).split('.')[0],
    busyPercent: Math.round((busy / Math.max(1, busy + idle)) * 1000) / 10,
    topFunctions: share(functions, busy, top),
    topPackages: share(packages, busy, top),
  };
}
