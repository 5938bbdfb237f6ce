// Small-file rate: many 10 KiB files, each in its own session (INVITE, 200, ACK, MSRP bind and
// SEND, BYE), with N sessions open at a time. Receiver and sender are child processes, as in
// transfer-bench.ts; every file must arrive and be published for the run to count as clean.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PeerTuning, SipTransportName } from '../src/client-types.ts';
import { writeRandomFile } from './baseline.ts';
import { BenchProcess } from './bench-process.ts';
import type { ChildEvent } from './bench-protocol.ts';

export interface SessionRateOptions {
  /** Folder for the files to send and the inbox (created inside). */
  readonly root: string;
  readonly sessions: number;
  readonly concurrency: number;
  readonly fileBytes: number;
  readonly transport?: SipTransportName;
  readonly profileDir?: string;
  /**
   * Sessions run (at the same concurrency, on files of their own) before the measured ones and not
   * counted: in a 1000-session run of fresh processes, V8 still compiles hot code and sizes its heap
   * during the first few hundred sessions, which a long-running client or server pays once. 0 measures
   * from the first session.
   */
  readonly warmUpSessions?: number;
  /** The sender's peerTuning (default: the client's, `auto`); `off` measures the untuned path. */
  readonly peerTuning?: PeerTuning;
}

export interface SessionRateResult {
  readonly sessions: number;
  readonly concurrency: number;
  readonly transport: SipTransportName;
  /** Sessions run before the measured ones (see SessionRateOptions). */
  readonly warmUpSessions: number;
  /**
   * The rate of the warm-up sessions themselves, from a fresh process (JIT still compiling): what a
   * process that has just started sees. Undefined without warm-up (the measured rate is then cold).
   */
  readonly coldSessionsPerSecond?: number;
  readonly elapsedMs: number;
  readonly sessionsPerSecond: number;
  /** Sessions the sender saw fail. */
  readonly failures: number;
  /** Files the receiver published in the measured part (should equal sessions). */
  readonly received: number;
  readonly firstFailures: readonly string[];
  readonly senderPeakRssBytes: number;
  readonly receiverPeakRssBytes: number;
  /**
   * The sender's RSS once its client is created and before any session (idle), and right after the
   * last one (warm-up and measured sessions together): what the finished sessions left behind,
   * besides the heap V8 grew meanwhile.
   */
  readonly senderIdleRssBytes: number;
  readonly senderRssAfterBytes: number;
  /** V8's new and old space of the sender after its last session (reserved, not live). */
  readonly senderNewSpaceAfterBytes: number;
  readonly senderOldSpaceAfterBytes: number;
  /** Collections per session in the measured part (sender / receiver), the price of a smaller young generation. */
  readonly senderScavengesPerSession: number;
  readonly receiverScavengesPerSession: number;
  readonly senderFullCollectionsPerSession: number;
  /** CPU (all threads) each side spent per session: the fixed cost, much steadier than the rate on a loaded machine. */
  readonly senderCpuMsPerSession: number;
  readonly receiverCpuMsPerSession: number;
  /** The kernel part of the above (syscalls: sockets, file opens, fsync), per session. */
  readonly senderKernelCpuMsPerSession: number;
  readonly receiverKernelCpuMsPerSession: number;
  /** The main (JavaScript) thread's part, per session, when the platform tells (Linux). */
  readonly senderMainThreadCpuMsPerSession?: number;
  readonly receiverMainThreadCpuMsPerSession?: number;
}

/** How many files `runSessionRateBench` needs: one per measured and per warm-up session. */
export const filesNeeded = (options: Pick<SessionRateOptions, 'sessions' | 'warmUpSessions'>): number => options.sessions + (options.warmUpSessions ?? 0);

/** Writes `count` files of `bytes` each into `dir` (distinct names, so the inbox never renames). */
export async function writeSmallFiles(dir: string, count: number, bytes: number): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `small-${String(i).padStart(5, '0')}.bin`);
    await writeRandomFile(path, bytes);
    files.push(path);
  }
  return files;
}

/**
 * The receiver publishes a file after its last 200, so the final few may still be in hand when the
 * sender is done: waits (up to 1 s) until it has published or failed `files` in all, then its stats.
 */
async function receiverCaughtUp(receiver: BenchProcess, files: number): Promise<Extract<ChildEvent, { event: 'stats' }>> {
  let stats = await receiver.request({ cmd: 'stats' }, 'stats');
  for (let wait = 0; wait < 50 && stats.received + stats.failed < files; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    stats = await receiver.request({ cmd: 'stats' }, 'stats');
  }
  return stats;
}

/** `{ [key]: (after - before) / sessions }`, or nothing when either reading is missing. */
const perSession = <K extends string>(key: K, before: number | undefined, after: number | undefined, sessions: number): { [P in K]?: number } =>
  (before === undefined || after === undefined ? {} : { [key]: (after - before) / sessions }) as { [P in K]?: number };

/** `files` must hold `filesNeeded(options)` distinct files: a warm-up file sent again would hit the sender's hash cache. */
export async function runSessionRateBench(options: SessionRateOptions, files: readonly string[]): Promise<SessionRateResult> {
  const transport = options.transport ?? 'udp';
  const warmUp = options.warmUpSessions ?? 0;
  if (files.length < filesNeeded(options)) throw new Error(`the rate bench needs ${filesNeeded(options)} files, got ${files.length}`);
  const inbox = join(options.root, `inbox-${options.concurrency}`);
  await mkdir(inbox);
  const receiver = new BenchProcess('rate-receiver', options.profileDir);
  const sender = new BenchProcess('rate-sender', options.profileDir);
  try {
    const [{ sipPort }] = await Promise.all([
      receiver.request({ cmd: 'start-receiver', dir: inbox, transport, fileEvents: false }, 'ready'),
      sender.request({ cmd: 'start-sender', transport, ...(options.peerTuning !== undefined ? { peerTuning: options.peerTuning } : {}) }, 'ready'),
    ]);
    const senderIdle = await sender.request({ cmd: 'stats' }, 'stats');
    const to = `sip:bob@127.0.0.1:${sipPort}${transport === 'udp' ? '' : `;transport=${transport}`}`;
    let coldSessionsPerSecond: number | undefined;
    if (warmUp > 0) {
      const warm = await sender.request({ cmd: 'send', to, files: files.slice(options.sessions, options.sessions + warmUp), concurrency: options.concurrency }, 'sent');
      if (warm.failed > 0) throw new Error(`${warm.failed} of ${warmUp} warm-up sessions failed: ${warm.failures[0] ?? ''}`);
      await receiverCaughtUp(receiver, warm.ok);
      coldSessionsPerSecond = warm.ok / (warm.elapsedMs / 1000);
    }
    const [senderBefore, receiverBefore] = await Promise.all([sender.request({ cmd: 'stats' }, 'stats'), receiver.request({ cmd: 'stats' }, 'stats')]);
    const sent = await sender.request({ cmd: 'send', to, files: files.slice(0, options.sessions), concurrency: options.concurrency }, 'sent');
    const receiverStats = await receiverCaughtUp(receiver, receiverBefore.received + receiverBefore.failed + sent.ok);
    const senderStats = await sender.request({ cmd: 'stats' }, 'stats');
    return {
      sessions: options.sessions,
      concurrency: options.concurrency,
      transport,
      warmUpSessions: warmUp,
      ...(coldSessionsPerSecond === undefined ? {} : { coldSessionsPerSecond }),
      elapsedMs: sent.elapsedMs,
      sessionsPerSecond: sent.ok / (sent.elapsedMs / 1000),
      failures: sent.failed,
      received: receiverStats.received - receiverBefore.received,
      firstFailures: sent.failures,
      senderPeakRssBytes: senderStats.peakRssBytes,
      receiverPeakRssBytes: receiverStats.peakRssBytes,
      senderIdleRssBytes: senderIdle.rssBytes,
      senderRssAfterBytes: senderStats.rssBytes,
      senderNewSpaceAfterBytes: senderStats.heap.newSpaceBytes,
      senderOldSpaceAfterBytes: senderStats.heap.oldSpaceBytes,
      senderScavengesPerSession: (senderStats.heap.scavenges - senderBefore.heap.scavenges) / options.sessions,
      receiverScavengesPerSession: (receiverStats.heap.scavenges - receiverBefore.heap.scavenges) / options.sessions,
      senderFullCollectionsPerSession: (senderStats.heap.fullCollections - senderBefore.heap.fullCollections) / options.sessions,
      senderCpuMsPerSession: (senderStats.cpuMs - senderBefore.cpuMs) / options.sessions,
      receiverCpuMsPerSession: (receiverStats.cpuMs - receiverBefore.cpuMs) / options.sessions,
      senderKernelCpuMsPerSession: (senderStats.systemCpuMs - senderBefore.systemCpuMs) / options.sessions,
      receiverKernelCpuMsPerSession: (receiverStats.systemCpuMs - receiverBefore.systemCpuMs) / options.sessions,
      ...perSession('senderMainThreadCpuMsPerSession', senderBefore.mainThreadCpuMs, senderStats.mainThreadCpuMs, options.sessions),
      ...perSession('receiverMainThreadCpuMsPerSession', receiverBefore.mainThreadCpuMs, receiverStats.mainThreadCpuMs, options.sessions),
    };
  } finally {
    await Promise.all([sender.stop(), receiver.stop()]);
  }
}
