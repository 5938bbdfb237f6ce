// Run-wide counters for the summary line printed at the end of `vitest run` (see
// counters-global-setup.ts). Each test worker appends `kind count` lines to its own file in the run's
// folder under .cache/counters/, so concurrent workers never interleave writes and concurrent runs
// never mix; the global teardown sums them.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject, onTestFinished } from 'vitest';
import { COUNTER_DIR, type CounterKind } from './counter-files.ts';

export { COUNTER_DIR, COUNTER_KINDS, type CounterKind } from './counter-files.ts';

/** Appends `n` to the counter `kind` right away (call it once the thing counted has really passed). */
export function recordCount(kind: CounterKind, n: number): void {
  if (!Number.isInteger(n) || n <= 0) return;
  // Without the global setup (another config) the counts go to a shared folder nobody sums.
  const dir = inject('cpmFtCounterDir') ?? join(COUNTER_DIR, 'unsummed');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.log`), `${kind} ${n}\n`);
}

/**
 * Counts `n` (or what `n()` returns then) for the current test, but only if the test ends in the
 * 'pass' state: a scenario that failed after this call is not counted. Must be called inside a test.
 */
export function countWhenPassed(kind: CounterKind, n: number | (() => number)): void {
  onTestFinished(({ task }) => {
    if (task.result?.state === 'pass') recordCount(kind, typeof n === 'number' ? n : n());
  });
}

const tallies = new Map<string, { kind: CounterKind; n: number }>();

/**
 * Adds `n` to the current test's tally of `kind`, recorded once when the test passes. For helpers
 * called many times per test (fuzz inputs, raw hostile sends). Outside a running test it does nothing.
 */
export function tallyForCurrentTest(kind: CounterKind, n = 1): void {
  const state = expect.getState();
  if (state.currentTestName === undefined) return;
  const key = `${state.testPath ?? ''}\u0000${state.currentTestName}\u0000${kind}`;
  const tally = tallies.get(key);
  if (tally !== undefined) { tally.n += n; return; }
  const fresh = { kind, n };
  try {
    onTestFinished(({ task }) => {
      tallies.delete(key);
      if (task.result?.state === 'pass') recordCount(fresh.kind, fresh.n);
    });
  } catch {
    return; // not inside a test body (e.g. a hook): nothing to attach the count to
  }
  tallies.set(key, fresh);
}
