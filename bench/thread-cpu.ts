// CPU time of this process split into its main (JavaScript) thread and every other thread (the
// libuv pool's file writes, V8's GC helpers, worker threads). Linux keeps per-thread counters in
// /proc/self/task/<tid>/stat; elsewhere only the process total is known and `mainMs` is undefined.
import { readFileSync } from 'node:fs';

export interface ThreadCpu {
  /** User + system CPU of the whole process, ms (process.cpuUsage). */
  readonly totalMs: number;
  /** The kernel (system) part of `totalMs`: syscalls of every thread (sockets, file opens, fsync). */
  readonly systemMs: number;
  /** The same for the main thread alone, when the platform tells. */
  readonly mainMs: number | undefined;
}

// utime and stime are fields 14 and 15 of stat, counted in clock ticks (USER_HZ, 100 on Linux).
const TICK_MS = 10;

function mainThreadMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
    // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * TICK_MS : undefined;
  } catch {
    return undefined;
  }
}

export function readThreadCpu(): ThreadCpu {
  const { user, system } = process.cpuUsage();
  return { totalMs: (user + system) / 1000, systemMs: system / 1000, mainMs: mainThreadMs() };
}
