// CPU time and memory of another process, read from outside through /proc (Linux), so the proxy under test
// needs no hook of any kind. Elsewhere every figure reads as null and the report prints "n/a".
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // the value on every mainstream Linux build
    }
  }
  return ticksPerSecond;
}

/** User + system CPU of the whole process (all threads: JS, GC, libuv pool), in ms; null if unreadable. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / clockTicks();
  } catch {
    return null;
  }
}

function statusKb(pid: number, key: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Resident set size now, in bytes. */
export const rssBytes = (pid: number): number | null => mul1024(statusKb(pid, 'VmRSS'));
/** The kernel's high-water mark of the resident set, in bytes (since start or the last resetPeakRss). */
export const peakRssBytes = (pid: number): number | null => mul1024(statusKb(pid, 'VmHWM'));
const mul1024 = (kb: number | null) => (kb === null ? null : kb * 1024);

/** Restart VmHWM from the current RSS (writing 5 to clear_refs, Linux ≥ 4.0); false when not permitted. */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Polls RSS while a phase runs: VmHWM alone cannot be trusted when the reset above is refused, and polling alone
 * misses spikes shorter than the period, so the peak reported is the larger of the two.
 */
export function watchPeakRss(pid: number, periodMs = 20): { stop(): number | null } {
  const resetWorked = resetPeakRss(pid);
  let polled = rssBytes(pid);
  const timer = setInterval(() => {
    const now = rssBytes(pid);
    if (now !== null && (polled === null || now > polled)) polled = now;
  }, periodMs);
  return {
    stop() {
      clearInterval(timer);
      const hwm = resetWorked ? peakRssBytes(pid) : null;
      if (hwm === null) return polled;
      return polled === null ? hwm : Math.max(hwm, polled);
    },
  };
}
