// vitest globalSetup: clears the counter files before the run and, at teardown, prints one line with
// what the suites recorded through test-counters.ts (only tests that passed record anything).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { COUNTER_DIR, COUNTER_KINDS, type CounterKind } from './counter-files.ts';

/** Sums `kind n` lines; unknown kinds and malformed lines are ignored. Pure, for tests. */
export function sumCounterLines(texts: readonly string[]): Record<CounterKind, number> {
  const totals: Record<CounterKind, number> = { interop: 0, hostile: 0, faults: 0 };
  const known = new Set<string>(COUNTER_KINDS);
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const [kind, n] = line.trim().split(' ');
      const value = Number(n);
      if (kind !== undefined && known.has(kind) && Number.isInteger(value) && value > 0) totals[kind as CounterKind] += value;
    }
  }
  return totals;
}

export function formatCounterSummary(totals: Record<CounterKind, number>): string {
  return `interop: ${totals.interop} scenarios passed; hostile: ${totals.hostile} inputs tried; faults: ${totals.faults} injected, nothing lost`;
}

function readCounterFiles(dir: string): string[] {
  let names: string[];
  try { names = readdirSync(dir); } catch { return []; }
  return names.filter((n) => n.endsWith('.log')).map((n) => readFileSync(join(dir, n), 'utf8'));
}

export function setup(): () => void {
  rmSync(COUNTER_DIR, { recursive: true, force: true });
  return () => {
    console.log(`\n${formatCounterSummary(sumCounterLines(readCounterFiles(COUNTER_DIR)))}\n`);
  };
}
