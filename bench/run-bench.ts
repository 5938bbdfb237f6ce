// `cpm-ft bench`: every figure of issue 7 in one run, against a baseline measured in the same run
// on the same file: (a) plain file -> TCP -> file copy, (b) the real client sending that file,
// (c) both ends' peak RSS, (d) small-file session rate at two concurrency levels, (e) MSRP and SIP
// parser throughput, (f) spec compile + generate time. Figures only; nothing here asserts on time.

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SipTransportName } from '../src/client-types.ts';
import { runBaseline, writeRandomFile, type BaselineResult } from './baseline.ts';
import { runMsrpParserBench, runSipParserBench, type MsrpParserBenchResult, type SipParserBenchResult } from './parser-bench.ts';
import { runSessionRateBench, writeSmallFiles, type SessionRateResult } from './session-rate-bench.ts';
import { runSpecBench, type SpecBenchResult } from './spec-bench.ts';
import { runStartupBench, type StartupBenchResult } from './startup-bench.ts';
import { runTransferBench, type TransferBenchResult } from './transfer-bench.ts';

export interface BenchOptions {
  /** Size of the file for (a) and (b); default 1 GiB. */
  readonly sizeBytes?: number;
  /** Small sizes and counts: a smoke run of a few seconds. */
  readonly quick?: boolean;
  /** Sessions in the small-file rate test; default 1000 (quick: 60). */
  readonly sessions?: number;
  /** SIP transport of the rate test; default udp. The throughput test uses tcp. */
  readonly rateTransport?: SipTransportName;
  /** MSRP chunk size of the client; default: the client's own default. */
  readonly chunkSize?: number;
  /** Write V8 CPU profiles of every child process here. */
  readonly profileDir?: string;
  /** The repository root (spec/ lives there). */
  readonly root: string;
  /** Called before each stage, for a progress line. */
  readonly onStage?: (stage: string) => void;
}

export interface BenchReport {
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string; readonly platform: string };
  readonly quick: boolean;
  readonly sizeBytes: number;
  readonly baseline: BaselineResult;
  readonly transfer: TransferBenchResult & { readonly ratioToBaseline: number };
  readonly sessionRate: readonly SessionRateResult[];
  readonly msrpParser: MsrpParserBenchResult & { readonly ratioToBaseline: number };
  readonly sipParser: SipParserBenchResult;
  readonly spec: SpecBenchResult;
  /** (g) start-up of the CLI and idle RSS of a client, against `node -e 0`. */
  readonly startup: StartupBenchResult;
  /** Every transfer arrived intact and no session failed. */
  readonly ok: boolean;
}

export const defaultSizeBytes = 1024 * 1024 * 1024;
export const quickSizeBytes = 8 * 1024 * 1024;
const smallFileBytes = 10 * 1024;

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const quick = options.quick === true;
  const sizeBytes = options.sizeBytes ?? (quick ? quickSizeBytes : defaultSizeBytes);
  const sessions = options.sessions ?? (quick ? 60 : 1000);
  const levels = quick ? [10, 60] : [50, 500];
  const stage = options.onStage ?? (() => {});
  const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-bench-'));
  if (options.profileDir !== undefined) await mkdir(options.profileDir, { recursive: true });
  const profile = options.profileDir !== undefined ? { profileDir: options.profileDir } : {};
  try {
    stage(`writing a ${sizeBytes}-byte source file`);
    const sourcePath = join(dir, 'source.bin');
    const sourceSha1 = await writeRandomFile(sourcePath, sizeBytes);

    stage('(a) baseline: file -> TCP -> file');
    const baseline = await runBaseline({ sizeBytes, sourcePath });

    stage('(b, c) cpm-ft transfer, sender and receiver processes');
    const inbox = join(dir, 'inbox');
    await mkdir(inbox);
    const transfer = await runTransferBench({
      sourcePath, sourceSha1, sizeBytes, inbox, ...profile,
      ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
    });
    await rm(inbox, { recursive: true, force: true });
    await rm(sourcePath, { force: true });

    const files = await writeSmallFiles(join(dir, 'small'), sessions, smallFileBytes);
    const sessionRate: SessionRateResult[] = [];
    for (const concurrency of levels) {
      stage(`(d) ${sessions} sessions of ${smallFileBytes / 1024} KiB, ${concurrency} concurrent`);
      sessionRate.push(await runSessionRateBench({
        root: dir, sessions, concurrency, fileBytes: smallFileBytes, ...profile,
        ...(options.rateTransport !== undefined ? { transport: options.rateTransport } : {}),
      }, files));
    }

    stage('(e) parsers');
    const msrp = runMsrpParserBench({ totalBytes: quick ? 16 * 1024 * 1024 : 512 * 1024 * 1024 });
    const sipParser = runSipParserBench({ messages: quick ? 5_000 : 100_000 });

    stage('(f) spec load + generate');
    const spec = await runSpecBench(options.root);

    stage('(g) start-up and idle memory');
    await mkdir(join(dir, 'startup'));
    const startup = await runStartupBench({ dir: join(dir, 'startup'), runs: quick ? 1 : 9, warmUp: !quick });

    const ok = transfer.ok && startup.ok && sessionRate.every((r) => r.failures === 0 && r.received === r.sessions);
    return {
      machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` },
      quick,
      sizeBytes,
      baseline,
      transfer: { ...transfer, ratioToBaseline: transfer.megabytesPerSecond / baseline.megabytesPerSecond },
      sessionRate,
      msrpParser: { ...msrp, ratioToBaseline: msrp.megabytesPerSecond / baseline.megabytesPerSecond },
      sipParser,
      spec,
      startup,
      ok,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
