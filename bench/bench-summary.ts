// Median, min and max of repeated (a)/(b) runs, and the per-GiB CPU figures read from a run. One
// ratio from one run says little on a shared VM; the median of N runs in one invocation, with its
// spread, says more, and CPU per GiB barely moves with the machine's load.

import type { BaselineResult } from './baseline.ts';
import type { FairBaselineResult } from './fair-baseline.ts';
import type { TransferBenchResult } from './transfer-bench.ts';

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** One (a), (a2) and (b), run back to back on the same file. */
export interface TransferRun {
  readonly baseline: BaselineResult;
  readonly fairBaseline: FairBaselineResult;
  readonly transfer: TransferBenchResult & { readonly ratioToBaseline: number; readonly ratioToFairBaseline: number };
}

export interface TransferSummary {
  readonly runs: number;
  readonly baselineMegabytesPerSecond: Spread;
  readonly megabytesPerSecond: Spread;
  readonly ratioToBaseline: Spread;
  /** (a2) and (b) against it: the ratio the data path is judged by. */
  readonly fairBaselineMegabytesPerSecond: Spread;
  readonly ratioToFairBaseline: Spread;
  readonly fairSenderCpuMsPerGiB: Spread;
  readonly fairReceiverCpuMsPerGiB: Spread;
  /** Each side's CPU per GiB over (a2)'s same side. */
  readonly senderCpuRatioToFair: Spread;
  readonly receiverCpuRatioToFair: Spread;
  /** CPU ms per GiB moved: the baseline's (both ends in one process) and each side's. */
  readonly baselineCpuMsPerGiB: Spread;
  readonly senderCpuMsPerGiB: Spread;
  readonly receiverCpuMsPerGiB: Spread;
  /** The main thread's share, where known (Linux). */
  readonly senderMainThreadCpuMsPerGiB?: Spread;
  readonly receiverMainThreadCpuMsPerGiB?: Spread;
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export const perGiB = (ms: number, bytes: number): number => ms / (bytes / 1024 ** 3);

export function summarizeTransferRuns(runs: readonly TransferRun[]): TransferSummary {
  const of = (pick: (run: TransferRun) => number): Spread => spreadOf(runs.map(pick));
  const mains = (pick: (t: TransferBenchResult) => number | undefined): Spread | undefined => {
    const values = runs.map((r) => pick(r.transfer));
    return values.every((v) => v !== undefined) ? spreadOf(values.map((v, i) => perGiB(v, runs[i]!.transfer.sizeBytes))) : undefined;
  };
  const sender = mains((t) => t.senderMainThreadCpuMs);
  const receiver = mains((t) => t.receiverMainThreadCpuMs);
  return {
    runs: runs.length,
    baselineMegabytesPerSecond: of((r) => r.baseline.megabytesPerSecond),
    megabytesPerSecond: of((r) => r.transfer.megabytesPerSecond),
    ratioToBaseline: of((r) => r.transfer.ratioToBaseline),
    fairBaselineMegabytesPerSecond: of((r) => r.fairBaseline.megabytesPerSecond),
    ratioToFairBaseline: of((r) => r.transfer.ratioToFairBaseline),
    fairSenderCpuMsPerGiB: of((r) => perGiB(r.fairBaseline.senderCpuMs, r.fairBaseline.sizeBytes)),
    fairReceiverCpuMsPerGiB: of((r) => perGiB(r.fairBaseline.receiverCpuMs, r.fairBaseline.sizeBytes)),
    senderCpuRatioToFair: of((r) => r.transfer.senderCpuMs / r.fairBaseline.senderCpuMs),
    receiverCpuRatioToFair: of((r) => r.transfer.receiverCpuMs / r.fairBaseline.receiverCpuMs),
    baselineCpuMsPerGiB: of((r) => perGiB(r.baseline.cpuMs, r.baseline.sizeBytes)),
    senderCpuMsPerGiB: of((r) => perGiB(r.transfer.senderCpuMs, r.transfer.sizeBytes)),
    receiverCpuMsPerGiB: of((r) => perGiB(r.transfer.receiverCpuMs, r.transfer.sizeBytes)),
    ...(sender !== undefined ? { senderMainThreadCpuMsPerGiB: sender } : {}),
    ...(receiver !== undefined ? { receiverMainThreadCpuMsPerGiB: receiver } : {}),
  };
}

/** The run whose ratio to (a2) is the median one (the lower middle for an even count): its details are shown. */
export function medianRun(runs: readonly TransferRun[]): TransferRun {
  const sorted = [...runs].sort((x, y) => x.transfer.ratioToFairBaseline - y.transfer.ratioToFairBaseline);
  return sorted[(sorted.length - 1) >> 1]!;
}
