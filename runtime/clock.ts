// Injectable time source for every protocol timer (SIP Timers A..K, MSRP report timeouts, ...).
// Runtime code never calls the global setTimeout directly, so tests can drive timers with a fake
// clock and assert exact RFC timings without waiting.

/** Opaque handle returned by `Clock.setTimeout`. */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since an arbitrary epoch; only differences are meaningful. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The real clock's handle: the node timer itself rides along, so clearing it needs no lookup. */
interface SystemTimerHandle extends TimerHandle {
  readonly timer: NodeJS.Timeout;
}

/**
 * The real clock: node timers and a monotonic `now`. A session arms and clears some twenty protocol
 * timers per side (Timers A..M, MSRP and lifetime timers), so each costs one node timer and one
 * handle object: no wrapper closure and no map of live timers to keep in step. A handle from another
 * clock (no `timer`) is ignored, as an unknown id was before.
 */
export function createSystemClock(): Clock {
  let next = 1;
  return {
    now: () => performance.now(),
    setTimeout(callback, ms): SystemTimerHandle {
      return { id: next++, timer: setTimeout(callback, ms) };
    },
    clearTimeout(handle) {
      const timer = (handle as Partial<SystemTimerHandle> | undefined)?.timer;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

export const systemClock: Clock = createSystemClock();

/** A clock whose time only moves when `advance` is called. Timers fire in due order. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void;
  /** Number of timers scheduled and not yet fired or cleared. */
  pendingTimers(): number;
}

export function createFakeClock(start = 0): FakeClock {
  let current = start;
  let next = 1;
  // Sorted by due time then by creation order, so equal deadlines fire as scheduled.
  const timers = new Map<number, { due: number; callback: () => void }>();
  const dueFirst = (): [number, { due: number; callback: () => void }] | undefined => {
    let best: [number, { due: number; callback: () => void }] | undefined;
    for (const entry of timers) {
      if (best === undefined || entry[1].due < best[1].due || (entry[1].due === best[1].due && entry[0] < best[0])) best = entry;
    }
    return best;
  };
  return {
    now: () => current,
    setTimeout(callback, ms) {
      const id = next++;
      timers.set(id, { due: current + Math.max(0, ms), callback });
      return { id };
    },
    clearTimeout(handle) {
      if (handle !== undefined) timers.delete(handle.id);
    },
    advance(ms) {
      const target = current + ms;
      for (;;) {
        const first = dueFirst();
        if (first === undefined || first[1].due > target) break;
        timers.delete(first[0]);
        current = first[1].due;
        first[1].callback();
      }
      current = target;
    },
    pendingTimers: () => timers.size,
  };
}
