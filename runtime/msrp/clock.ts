// Timers behind an interface so transaction timeouts can be driven by a fake clock in tests.

/** Cancels a scheduled callback; calling it twice is harmless. */
export type CancelTimer = () => void;

export interface Clock {
  now(): number;
  schedule(delayMs: number, callback: () => void): CancelTimer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(delayMs, callback) {
    const handle = setTimeout(callback, delayMs);
    return () => clearTimeout(handle);
  },
};
