// The per-file timing table printed at the end of a vitest run (timing-reporter.ts): where the run's
// time goes, slowest files first.

export interface FileTiming {
  /** Test file, relative to the repository root. */
  readonly file: string;
  /** Wall time of the file in its worker: import and collection plus tests and hooks, in ms. */
  readonly totalMs: number;
  readonly tests: number;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * The `top` slowest files as an aligned table, with the sum over all files (which exceeds the run's
 * wall time when files run in parallel). Empty when there is nothing to show.
 */
export function formatTimingTable(timings: readonly FileTiming[], top = 10): string {
  if (timings.length === 0) return '';
  const sorted = [...timings].sort((a, b) => b.totalMs - a.totalMs || a.file.localeCompare(b.file));
  const shown = sorted.slice(0, top);
  const width = Math.max(...shown.map((t) => t.file.length), 'file'.length);
  const total = timings.reduce((sum, t) => sum + t.totalMs, 0);
  const lines = [
    `slowest ${shown.length} of ${timings.length} test files (sum over all files ${seconds(total)}):`,
    `  ${'file'.padEnd(width)}  ${'time'.padStart(8)}  tests`,
    ...shown.map((t) => `  ${t.file.padEnd(width)}  ${seconds(t.totalMs).padStart(8)}  ${String(t.tests).padStart(5)}`),
  ];
  return `${lines.join('\n')}\n`;
}
