// `cpm-ft bench --compare FILE`: the figures of this run next to those of an earlier `--json`
// run, with the change of each. The earlier file is read as plain JSON (it may come from an older
// build with fewer figures): a figure missing on either side is left out.

import { perGiB } from './bench-summary.ts';
import type { BenchReport } from './run-bench.ts';

/** A figure by name, its value, and whether a larger value is better. */
interface Figure { readonly name: string; readonly value: number; readonly unit: string; readonly higherIsBetter: boolean }

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const get = (root: unknown, ...path: Array<string | number>): unknown => {
  let at: unknown = root;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
};

/** Every comparable figure of a report (this build's, or an earlier one's JSON). */
export function figuresOf(report: unknown): Figure[] {
  const out: Figure[] = [];
  const add = (name: string, value: unknown, unit: string, higherIsBetter: boolean): void => {
    const v = num(value);
    if (v !== undefined) out.push({ name, value: v, unit, higherIsBetter });
  };
  add('(a) baseline', get(report, 'baseline', 'megabytesPerSecond'), 'MB/s', true);
  add('(b) transfer', get(report, 'transfer', 'megabytesPerSecond'), 'MB/s', true);
  add('(b) ratio to (a)', get(report, 'transfer', 'ratioToBaseline'), 'x', true);
  add('(b) ratio, median of runs', get(report, 'summary', 'ratioToBaseline', 'median'), 'x', true);
  add('(a2) fair baseline', get(report, 'fairBaseline', 'megabytesPerSecond'), 'MB/s', true);
  add('(b) ratio to (a2)', get(report, 'summary', 'ratioToFairBaseline', 'median') ?? get(report, 'transfer', 'ratioToFairBaseline'), 'x', true);
  const size = num(get(report, 'transfer', 'sizeBytes'));
  if (size !== undefined) {
    const cpu = (key: string): number | undefined => { const v = num(get(report, 'transfer', key)); return v === undefined ? undefined : perGiB(v, size); };
    add('(b) sender CPU per GiB', get(report, 'summary', 'senderCpuMsPerGiB', 'median') ?? cpu('senderCpuMs'), 'ms', false);
    add('(b) receiver CPU per GiB', get(report, 'summary', 'receiverCpuMsPerGiB', 'median') ?? cpu('receiverCpuMs'), 'ms', false);
    add('(b) sender main-thread CPU per GiB', cpu('senderMainThreadCpuMs'), 'ms', false);
    add('(b) receiver main-thread CPU per GiB', cpu('receiverMainThreadCpuMs'), 'ms', false);
  }
  add('(c) peak RSS sender', num(get(report, 'transfer', 'senderPeakRssBytes')) === undefined ? undefined : (get(report, 'transfer', 'senderPeakRssBytes') as number) / 1e6, 'MB', false);
  add('(c) peak RSS receiver', num(get(report, 'transfer', 'receiverPeakRssBytes')) === undefined ? undefined : (get(report, 'transfer', 'receiverPeakRssBytes') as number) / 1e6, 'MB', false);
  const rates = get(report, 'sessionRate');
  if (Array.isArray(rates)) {
    for (const r of rates) {
      const at = `at ${String(get(r, 'concurrency'))} (${String(get(r, 'transport'))})`;
      add(`(d) sessions/s ${at}`, get(r, 'sessionsPerSecond'), '/s', true);
      add(`(d) sender CPU per session ${at}`, get(r, 'senderCpuMsPerSession'), 'ms', false);
      add(`(d) receiver CPU per session ${at}`, get(r, 'receiverCpuMsPerSession'), 'ms', false);
    }
  }
  add('(e) MSRP parser', get(report, 'msrpParser', 'megabytesPerSecond'), 'MB/s', true);
  add('(e) SIP parser', get(report, 'sipParser', 'messagesPerSecond'), 'msg/s', true);
  const load = num(get(report, 'spec', 'loadMs'));
  const generate = num(get(report, 'spec', 'generateMs'));
  add('(f) spec load + generate', load === undefined || generate === undefined ? undefined : load + generate, 'ms', false);
  add('(g) relayed / direct', get(report, 'relay', 'ratio'), 'x', true);
  return out;
}

const show = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** A table: figure, before, now, change in percent (+ is better, - is worse). */
export function formatComparison(previous: unknown, current: BenchReport, previousLabel: string): string {
  const before = new Map(figuresOf(previous).map((f) => [f.name, f]));
  const rows: string[][] = [];
  for (const now of figuresOf(current)) {
    const then = before.get(now.name);
    if (then === undefined) continue;
    const change = then.value === 0 ? 0 : (now.value - then.value) / Math.abs(then.value) * 100;
    const better = now.higherIsBetter ? change : -change;
    rows.push([now.name, `${show(then.value)} ${now.unit}`, `${show(now.value)} ${now.unit}`, `${change >= 0 ? '+' : ''}${change.toFixed(1)}% ${Math.abs(better) < 0.05 ? '' : better > 0 ? '(better)' : '(worse)'}`.trimEnd()]);
  }
  if (rows.length === 0) return `compared with ${previousLabel}: no figure in common\n`;
  const header = ['figure', 'before', 'now', 'change'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [`compared with ${previousLabel}:`, '', line(header), ...rows.map(line), ''].join('\n');
}
