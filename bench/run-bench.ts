// `cpm-ft bench`: every figure of issue 7 in one run, against a baseline measured in the same run
// on the same file: (a) plain file -> TCP -> file copy, (b) the real client sending that file,
// (c) both ends' peak RSS, (d) small-file session rate at two concurrency levels, (e) MSRP and SIP
// parser throughput, (f) spec compile + generate time. Figures only; nothing here asserts on time.

import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerTuning, SipTransportName } from '../src/client-types.ts';
import { runBaseline, writeRandomFile, type BaselineResult } from './baseline.ts';
import { runFairBaseline, sha1sumCpuMs, type FairBaselineResult } from './fair-baseline.ts';
import { medianRun, summarizeTransferRuns, type TransferRun, type TransferSummary } from './bench-summary.ts';
import { runMsrpParserBench, runSipParserBench, type MsrpParserBenchResult, type SipParserBenchResult } from './parser-bench.ts';
import { filesNeeded, runSessionRateBench, writeSmallFiles, type SessionRateResult } from './session-rate-bench.ts';
import { runRelayBench, type RelayBenchResult } from './relay-bench.ts';
import { runDeployBench, type DeployBenchResult } from './deploy-bench.ts';
import { runSpecBench, type SpecBenchResult } from './spec-bench.ts';
import { runStartupBench, type StartupBenchResult } from './startup-bench.ts';
import { runTransferBench, type TransferBenchResult } from './transfer-bench.ts';
import { primeHashCache } from './hash-cache-prime.ts';

export interface BenchOptions {
  /** Size of the file for (a) and (b); default 1 GiB. */
  readonly sizeBytes?: number;
  /** Small sizes and counts: a smoke run of a few seconds. */
  readonly quick?: boolean;
  /** Sessions in the small-file rate test; default 1000 (quick: 60). */
  readonly sessions?: number;
  /** Sessions run and not counted before each rate measurement; default defaultRateWarmUp (quick: 0). */
  readonly rateWarmUp?: number;
  /** SIP transport of the rate test; default udp. The throughput test uses tcp. */
  readonly rateTransport?: SipTransportName;
  /** MSRP chunk size of the client; default: the client's own default. */
  readonly chunkSize?: number;
  /** The sender's peerTuning in (b) and (d); `off` measures the untuned data path. */
  readonly peerTuning?: PeerTuning;
  /** Write V8 CPU profiles of every child process here. */
  readonly profileDir?: string;
  /**
   * `warm`: (b)'s sender finds the source's SHA-1 in its hash cache (ClientOptions.hashCacheDir), as
   * a file sent again does, and skips the pre-hash. Default `cold`: every run hashes, as (a2) does.
   */
  readonly hashCache?: 'cold' | 'warm';
  /** Run (a) and (b) this many times, alternating; figures are the median with min/max. Default 1. */
  readonly repeat?: number;
  /** Run only these stages (default: all). */
  readonly only?: readonly BenchStage[];
  /** The repository root (spec/ lives there). */
  readonly root: string;
  /** Called before each stage, for a progress line. */
  readonly onStage?: (stage: string) => void;
}

/** Stages that --only can pick. (a) and (b) form one stage: (b) is read against (a). */
export const benchStages = ['transfer', 'rate', 'parsers', 'spec', 'startup', 'relay', 'deploy'] as const;
export type BenchStage = typeof benchStages[number];

export interface BenchReport {
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string; readonly platform: string };
  readonly quick: boolean;
  readonly sizeBytes: number;
  /** `warm`: (b)'s sender took the source's SHA-1 from its hash cache (BenchOptions.hashCache). */
  readonly hashCache?: 'warm';
  /** The stages that ran. */
  readonly stages: readonly BenchStage[];
  /** (a) and (b) of the median run (by ratio); every run is in `runs`, their spread in `summary`. */
  readonly baseline?: BaselineResult;
  readonly fairBaseline?: FairBaselineResult;
  /** CPU of coreutils' sha1sum over the source: with (a), the floor (a2)'s CPU is shown against. */
  readonly sha1sumCpuMs?: number;
  readonly transfer?: TransferBenchResult & { readonly ratioToBaseline: number; readonly ratioToFairBaseline: number };
  readonly runs?: readonly TransferRun[];
  readonly summary?: TransferSummary;
  readonly sessionRate: readonly SessionRateResult[];
  /** The MSRP parser's ratio is to the median baseline, or absent without the transfer stage. */
  readonly msrpParser?: MsrpParserBenchResult & { readonly ratioToBaseline?: number };
  readonly sipParser?: SipParserBenchResult;
  readonly spec?: SpecBenchResult;
  /** Kamailio as an MSRP relay in the path, or why that was skipped. */
  readonly relay?: RelayBenchResult;
  /** Kamailio's dispatcher in front of 1 and 2 focus instances, and a focus killed, or why skipped. */
  readonly deploy?: DeployBenchResult;
  /** (g) start-up of the CLI and idle RSS of a client, against `node -e 0`. */
  readonly startup?: StartupBenchResult;
  /** Every transfer arrived intact and no session failed. */
  readonly ok: boolean;
}

export const defaultSizeBytes = 1024 * 1024 * 1024;
export const quickSizeBytes = 8 * 1024 * 1024;
const smallFileBytes = 10 * 1024;
/**
 * Warm-up sessions before each rate measurement (see SessionRateOptions.warmUpSessions). 3000 because
 * V8's optimizing compiler was still busy through session ~1500 of a fresh process (235 functions,
 * 1.2 s of compile threads' CPU during sessions 500-1500, both ends together), and had all but
 * finished by 3000 (35 functions, 0.1 s, in the next 1000): what a long-running peer runs at.
 */
export const defaultRateWarmUp = 3000;

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const quick = options.quick === true;
  const sizeBytes = options.sizeBytes ?? (quick ? quickSizeBytes : defaultSizeBytes);
  const sessions = options.sessions ?? (quick ? 60 : 1000);
  const levels = quick ? [10, 60] : [50, 500];
  const repeat = Math.max(1, options.repeat ?? 1);
  const stages = options.only ?? benchStages;
  const runs = (name: BenchStage): boolean => stages.includes(name);
  const stage = options.onStage ?? (() => {});
  const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-bench-'));
  if (options.profileDir !== undefined) await mkdir(options.profileDir, { recursive: true });
  const profile = options.profileDir !== undefined ? { profileDir: options.profileDir } : {};
  try {
    const transferRuns: TransferRun[] = [];
    let sha1sum: number | undefined;
    if (runs('transfer')) {
      stage(`writing a ${sizeBytes}-byte source file`);
      const sourcePath = join(dir, 'source.bin');
      const sourceSha1 = await writeRandomFile(sourcePath, sizeBytes);
      sha1sum = sha1sumCpuMs(sourcePath, sizeBytes);
      const hashCacheDir = options.hashCache === 'warm' ? await primeHashCache(join(dir, 'hash-cache'), sourcePath, sourceSha1) : undefined;
      for (let i = 1; i <= repeat; i++) {
        const of = repeat > 1 ? ` (run ${i} of ${repeat})` : '';
        stage(`(a) baseline: file -> TCP -> file${of}`);
        flushPageCache();
        const baseline = await runBaseline({ sizeBytes, sourcePath });
        stage(`(a2) fair baseline: two processes, SHA-1 on both ends, fsync${of}`);
        flushPageCache();
        const fairBaseline = await runFairBaseline({ sourcePath, sourceSha1, sizeBytes, targetPath: join(dir, 'fair-target.bin') });
        stage(`(b, c) cpm-ft transfer, sender and receiver processes${of}`);
        const inbox = join(dir, 'inbox');
        await mkdir(inbox);
        flushPageCache();
        const transfer = await runTransferBench({
          sourcePath, sourceSha1, sizeBytes, inbox, ...profile,
          ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
          ...(options.peerTuning !== undefined ? { peerTuning: options.peerTuning } : {}),
          ...(hashCacheDir !== undefined ? { hashCacheDir } : {}),
        });
        await rm(inbox, { recursive: true, force: true });
        transferRuns.push({
          baseline, fairBaseline,
          transfer: {
            ...transfer,
            ratioToBaseline: transfer.megabytesPerSecond / baseline.megabytesPerSecond,
            ratioToFairBaseline: transfer.megabytesPerSecond / fairBaseline.megabytesPerSecond,
          },
        });
      }
      await rm(sourcePath, { force: true });
    }
    const median = transferRuns.length > 0 ? medianRun(transferRuns) : undefined;

    const sessionRate: SessionRateResult[] = [];
    if (runs('rate')) {
      const warmUpSessions = options.rateWarmUp ?? (quick ? 0 : defaultRateWarmUp);
      const files = await writeSmallFiles(join(dir, 'small'), filesNeeded({ sessions, warmUpSessions }), smallFileBytes);
      for (const concurrency of levels) {
        stage(`(d) ${sessions} sessions of ${smallFileBytes / 1024} KiB, ${concurrency} concurrent`);
        sessionRate.push(await runSessionRateBench({
          root: dir, sessions, concurrency, fileBytes: smallFileBytes, warmUpSessions, ...profile,
          ...(options.rateTransport !== undefined ? { transport: options.rateTransport } : {}),
          ...(options.peerTuning !== undefined ? { peerTuning: options.peerTuning } : {}),
        }, files));
      }
    }

    let msrp: (MsrpParserBenchResult & { ratioToBaseline?: number }) | undefined;
    let sipParser: SipParserBenchResult | undefined;
    if (runs('parsers')) {
      stage('(e) parsers');
      const m = runMsrpParserBench({ totalBytes: quick ? 16 * 1024 * 1024 : 512 * 1024 * 1024 });
      msrp = median === undefined ? m : { ...m, ratioToBaseline: m.megabytesPerSecond / median.baseline.megabytesPerSecond };
      sipParser = runSipParserBench({ messages: quick ? 5_000 : 100_000 });
    }

    let spec: SpecBenchResult | undefined;
    if (runs('spec')) {
      stage('(f) spec load + generate');
      spec = await runSpecBench(options.root);
    }

    let startup: StartupBenchResult | undefined;
    if (runs('startup')) {
      stage('(g) start-up and idle memory');
      await mkdir(join(dir, 'startup'));
      startup = await runStartupBench({ dir: join(dir, 'startup'), runs: quick ? 1 : 9, warmUp: !quick });
    }

    let relay: RelayBenchResult | undefined;
    if (runs('relay')) {
      stage('(h) kamailio MSRP relay in the path vs direct, 8 KiB chunks');
      relay = await runRelayBench({ sizeBytes: quick ? 2 * 1024 * 1024 : sizeBytes, dir });
    }

    let deploy: DeployBenchResult | undefined;
    if (runs('deploy')) {
      deploy = await runDeployBench({ dir, sessions: quick ? 20 : 200, concurrency: 4, onStage: stage });
    }

    // The kill fails the sessions on the killed instance by design; any other failure is a failure.
    const deployOk = deploy === undefined || 'skipped' in deploy || (deploy.rates.every((r) => r.failures === 0) && deploy.kill.failedAfterKill === 0);
    const relayOk = relay === undefined || 'skipped' in relay || (relay.direct.ok && relay.relayed.ok);
    const ok = transferRuns.every((r) => r.transfer.ok && r.fairBaseline.ok) && relayOk && deployOk && (startup === undefined || startup.ok)
      && sessionRate.every((r) => r.failures === 0 && r.received === r.sessions);
    return {
      machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` },
      quick,
      sizeBytes,
      ...(options.hashCache === 'warm' && runs('transfer') ? { hashCache: 'warm' as const } : {}),
      stages: [...stages],
      ...(median !== undefined ? { baseline: median.baseline, fairBaseline: median.fairBaseline, transfer: median.transfer, runs: transferRuns, summary: summarizeTransferRuns(transferRuns) } : {}),
      sessionRate,
      ...(sha1sum !== undefined ? { sha1sumCpuMs: sha1sum } : {}),
      ...(msrp !== undefined ? { msrpParser: msrp } : {}),
      ...(sipParser !== undefined ? { sipParser } : {}),
      ...(spec !== undefined ? { spec } : {}),
      ...(relay !== undefined ? { relay } : {}),
      ...(deploy !== undefined ? { deploy } : {}),
      ...(startup !== undefined ? { startup } : {}),
      ok,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes every dirty page back (sync(1)) before a measured run, outside its timing: otherwise the
 * kernel's writeback of the previous run's output (or of the freshly written source file) runs on
 * one of the two cores during the next run, and which figure pays for it depends on the order.
 */
function flushPageCache(): void {
  spawnSync('sync', { stdio: 'ignore' });
}
