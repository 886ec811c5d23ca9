// Reads the .cpuprofile that `node --cpu-prof` writes when the proxy exits, and sums self time per function and
// per area (project folder, npm package, Node internals), so "where does the time go" has a short answer.
import fs from 'node:fs';
import path from 'node:path';
import { sourcePathOf } from './transpile.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  /** Share of the time the main thread was not idle (within the window summed). */
  share: number;
}

/** Repository-relative paths, `node_modules/pkg/…` for dependencies, `node:…` left as is. */
function shortUrl(url: string, repoRoot: string): string {
  if (!url) return '';
  const file = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) return file.slice(nm + 1);
  return file.startsWith(repoRoot) ? sourcePathOf(path.relative(repoRoot, file)) : file;
}

/** An npm package, a project folder, Node's JS internals, native code, or one of V8's pseudo-frames. */
function areaOf(where: string, name: string): string {
  if (where === '') return name.startsWith('(') ? name : 'native (C++ bindings, V8 builtins)';
  if (where.startsWith('node_modules/')) {
    const parts = where.split('/');
    return parts[1]!.startsWith('@') ? `${parts[1]}/${parts[2]}` : parts[1]!;
  }
  if (where.startsWith('node:')) return 'node internals (JS)';
  return path.dirname(where);
}

/**
 * Self time per function and per area, counting only samples taken after `skipMs` from the start of the
 * profile (process start), so module loading and startup do not crowd out the request path.
 */
export function summariseProfile(file: string, repoRoot: string, top: number, skipMs: number): { functions: SelfTime[]; areas: SelfTime[]; busyMs: number } {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

  // Native frames have no URL; naming the nearest JS caller says which write, which parse, which hash it was.
  const callerOf = (id: number): string => {
    for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) {
      const f = byId.get(p)!.callFrame;
      if (f.url) return `← ${f.functionName || '(anonymous)'} ${shortUrl(f.url, repoRoot)}`;
    }
    return '';
  };

  const selfUs = new Map<number, number>();
  let t = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < skipMs * 1000) continue;
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }

  const byFunction = new Map<string, SelfTime>();
  const byArea = new Map<string, SelfTime>();
  let busyUs = 0;
  const add = (map: Map<string, SelfTime>, key: string, name: string, where: string, us: number) => {
    const entry = map.get(key) ?? { name, where, ms: 0, share: 0 };
    entry.ms += us / 1000;
    map.set(key, entry);
  };
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const name = frame.functionName || '(anonymous)';
    if (name === '(idle)') continue;
    busyUs += us;
    const url = shortUrl(frame.url, repoRoot);
    // Anonymous functions are told apart by line (of the transpiled file); named ones are summed across lines.
    const where = url === '' ? (name.startsWith('(') ? '' : callerOf(id)) : frame.functionName ? url : `${url}:${frame.lineNumber + 1}`;
    add(byFunction, `${name}\u0000${where}`, name, where, us);
    const area = areaOf(url, name);
    add(byArea, area, area, '', us);
  }
  const finish = (map: Map<string, SelfTime>) =>
    [...map.values()]
      .map((e) => ({ ...e, share: (e.ms * 1000) / (busyUs || 1) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return { functions: finish(byFunction), areas: finish(byArea), busyMs: busyUs / 1000 };
}

/**
 * The main thread's profile of process pid. Node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, and
 * other threads (a module loader's worker, under tsx) write their own, which would show only module loading.
 */
export function mainThreadProfile(dir: string, pid: number): string | null {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const main = files.find((f) => {
    const parts = f.split('.');
    return f.endsWith('.cpuprofile') && parts[3] === String(pid) && parts[4] === '0';
  });
  return main ? path.join(dir, main) : null;
}
