// MSRP timers run on the runtime's injectable clock (runtime/clock.ts); this adapter gives the MSRP
// code a cancel function per timer, which is what its transaction bookkeeping stores.
import type { Clock } from '../clock.ts';

export { type Clock, systemClock } from '../clock.ts';

/** Cancels a scheduled callback; calling it twice is harmless. */
export type CancelTimer = () => void;

export function schedule(clock: Clock, delayMs: number, callback: () => void): CancelTimer {
  const handle = clock.setTimeout(callback, delayMs);
  return () => clock.clearTimeout(handle);
}
