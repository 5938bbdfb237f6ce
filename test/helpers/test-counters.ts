// Run-wide counters for the summary line printed at the end of `vitest run` (see
// counters-global-setup.ts). Each test worker appends `kind count` lines to its own file under
// .cache/counters/, so concurrent workers never interleave writes; the global teardown sums them.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { COUNTER_DIR, type CounterKind } from './counter-files.ts';

export { COUNTER_DIR, COUNTER_KINDS, type CounterKind } from './counter-files.ts';

/** Appends `n` to the counter `kind` right away (call it once the thing counted has really passed). */
export function recordCount(kind: CounterKind, n: number): void {
  if (!Number.isInteger(n) || n <= 0) return;
  mkdirSync(COUNTER_DIR, { recursive: true });
  appendFileSync(join(COUNTER_DIR, `${process.pid}.log`), `${kind} ${n}\n`);
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
