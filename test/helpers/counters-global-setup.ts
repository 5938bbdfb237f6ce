// vitest globalSetup: gives this run its own counter folder (provided to the workers) and, at
// teardown, prints one line with what the suites recorded through test-counters.ts (only tests that
// passed record anything), one line naming the blocks skipped for a missing system peer
// (system-peers.ts) if any, then removes the folder.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { COUNTER_DIR, COUNTER_KINDS, PEER_SKIP_SUFFIX, type CounterKind } from './counter-files.ts';
import { formatSkipSummary, parseSkipRecords } from './system-peer-names.ts';

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

function readFilesEndingWith(dir: string, suffix: string): string[] {
  let names: string[];
  try { names = readdirSync(dir); } catch { return []; }
  return names.filter((n) => n.endsWith(suffix)).map((n) => readFileSync(join(dir, n), 'utf8'));
}

export function setup(project: TestProject): () => void {
  mkdirSync(COUNTER_DIR, { recursive: true });
  const dir = mkdtempSync(join(COUNTER_DIR, 'run-'));
  project.provide('cpmFtCounterDir', dir);
  return () => {
    const skipped = formatSkipSummary(parseSkipRecords(readFilesEndingWith(dir, PEER_SKIP_SUFFIX)));
    console.log(`\n${formatCounterSummary(sumCounterLines(readFilesEndingWith(dir, '.log')))}${skipped === undefined ? '' : `\n${skipped}`}\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
