// A process-wide V8 heap policy for the owner of a process (the `cpm-ft` CLI, or an application that
// opts in). V8 doubles its young generation, up to 2 x 16 MiB semi-spaces, whenever enough objects
// survive scavenges, and keeps it at that size while the process stays busy; after each full
// collection it lets the old generation grow to a multiple (up to 4) of what was live. A cpm-ft
// session allocates ~230 KB of short-lived heap and keeps some of it across a few round trips, so a
// client running sessions one after another grows new space to its maximum within a few hundred
// sessions and old space to several times its live data: RSS that holds garbage, never live data.
//
// Only some flags can change once V8 is running (the semi-space sizes are fixed when the heap is set
// up, from the command line). The semi-space growth factor is read at each growth step, so setting it
// to 1 keeps the young generation at the size it has at that moment; the heap growing percent is read
// each time the old generation's limit is set, after a full collection.
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** Options of {@link limitHeapGrowth}. */
export interface HeapGrowthOptions {
  /**
   * Let V8 grow new space (both semi-spaces together) until it reaches this many bytes, then no
   * further. 0: no growth beyond the size it has at the call.
   */
  readonly maxNewSpaceBytes: number;
  /**
   * The old generation may grow to (1 + this / 100) times what was live after a full collection
   * before the next one starts, instead of V8's own factor (up to 4 for a busy process). Undefined:
   * V8's own.
   */
  readonly oldSpaceGrowthPercent?: number;
}

/** What {@link limitHeapGrowth} did. */
export interface HeapGrowthLimit {
  /** Whether the new-space bound is in force (false: the process's own flags size the young generation). */
  readonly newSpaceLimited: boolean;
  /** Whether the old-generation factor is in force (false: not asked, or the process's own flag sets it). */
  readonly oldSpaceLimited: boolean;
  /** V8's new space (both semi-spaces) when the call returned, in bytes. */
  readonly newSpaceBytes: number;
}

/** The CLI's policy: new space up to 8 MiB (4 MiB semi-spaces), old space up to 1.5 times its live data. */
export const cliHeapGrowth: HeapGrowthOptions = { maxNewSpaceBytes: 8 * 1024 * 1024, oldSpaceGrowthPercent: 50 };

// A flag the process was started with wins: whoever started it chose that size.
const youngGenerationFlag = /^--(?:semi[-_]space[-_]growth[-_]factor|max[-_]semi[-_]space[-_]size|min[-_]semi[-_]space[-_]size)/;
const oldGenerationFlag = /^--heap[-_]growing[-_]percent/;

function startedWith(flag: RegExp): boolean {
  const fromEnv = (process.env['NODE_OPTIONS'] ?? '').split(/\s+/);
  return [...process.execArgv, ...fromEnv].some((arg) => flag.test(arg));
}

/** V8's new space (both semi-spaces) as reserved now, in bytes. */
export function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Bounds how far V8 grows this process's heap beyond its live data: process-wide, for every module in
 * the process, until it exits. The `cpm-ft` CLI calls it (with {@link cliHeapGrowth}) before loading
 * the rest of itself; a library never does so on its own, so an application embedding cpm-ft calls it
 * itself, before loading its other modules (parsing them can already grow new space), if it wants the
 * same bound on its RSS. Costs more frequent collections: more, smaller scavenges, and full
 * collections after less old-space growth. A flag the process was started with
 * (`--max-semi-space-size`, `--semi-space-growth-factor`, `--heap-growing-percent`, ...) is left in
 * force, and the bound it covers is not changed.
 */
export function limitHeapGrowth(options: HeapGrowthOptions = cliHeapGrowth): HeapGrowthLimit {
  const oldSpaceLimited = options.oldSpaceGrowthPercent !== undefined && !startedWith(oldGenerationFlag);
  if (oldSpaceLimited) setFlagsFromString(`--heap-growing-percent=${Math.max(1, Math.round(options.oldSpaceGrowthPercent ?? 0))}`);
  const newSpaceLimited = !startedWith(youngGenerationFlag);
  if (newSpaceLimited) {
    const cap = options.maxNewSpaceBytes;
    const stopGrowing = (): void => setFlagsFromString('--semi-space-growth-factor=1');
    if (newSpaceBytes() >= cap) stopGrowing();
    else {
      // New space grows only in a collection, one doubling at a time and only after survivors have
      // filled it since its last growth, so looking after each collection stops it at the first size
      // at or above the cap. The observer holds no handle: it does not keep the process alive.
      const observer = new PerformanceObserver(() => {
        if (newSpaceBytes() < cap) return;
        stopGrowing();
        observer.disconnect();
      });
      observer.observe({ entryTypes: ['gc'] });
    }
  }
  return { newSpaceLimited, oldSpaceLimited, newSpaceBytes: newSpaceBytes() };
}
