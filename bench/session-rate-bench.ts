// Small-file rate: many 10 KiB files, each in its own session (INVITE, 200, ACK, MSRP bind and
// SEND, BYE), with N sessions open at a time. Receiver and sender are child processes, as in
// transfer-bench.ts; every file must arrive and be published for the run to count as clean.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SipTransportName } from '../src/client-types.ts';
import { writeRandomFile } from './baseline.ts';
import { BenchProcess } from './bench-process.ts';

export interface SessionRateOptions {
  /** Folder for the files to send and the inbox (created inside). */
  readonly root: string;
  readonly sessions: number;
  readonly concurrency: number;
  readonly fileBytes: number;
  readonly transport?: SipTransportName;
  readonly profileDir?: string;
}

export interface SessionRateResult {
  readonly sessions: number;
  readonly concurrency: number;
  readonly transport: SipTransportName;
  readonly elapsedMs: number;
  readonly sessionsPerSecond: number;
  /** Sessions the sender saw fail. */
  readonly failures: number;
  /** Files the receiver published (should equal sessions). */
  readonly received: number;
  readonly firstFailures: readonly string[];
  readonly senderPeakRssBytes: number;
  readonly receiverPeakRssBytes: number;
  /** CPU (all threads) each side spent per session: the fixed cost, much steadier than the rate on a loaded machine. */
  readonly senderCpuMsPerSession: number;
  readonly receiverCpuMsPerSession: number;
}

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

export async function runSessionRateBench(options: SessionRateOptions, files: readonly string[]): Promise<SessionRateResult> {
  const transport = options.transport ?? 'udp';
  const inbox = join(options.root, `inbox-${options.concurrency}`);
  await mkdir(inbox);
  const receiver = new BenchProcess('rate-receiver', options.profileDir);
  const sender = new BenchProcess('rate-sender', options.profileDir);
  try {
    const [{ sipPort }] = await Promise.all([
      receiver.request({ cmd: 'start-receiver', dir: inbox, transport }, 'ready'),
      sender.request({ cmd: 'start-sender', transport }, 'ready'),
    ]);
    const to = `sip:bob@127.0.0.1:${sipPort}${transport === 'udp' ? '' : `;transport=${transport}`}`;
    const [senderBefore, receiverBefore] = await Promise.all([sender.request({ cmd: 'stats' }, 'stats'), receiver.request({ cmd: 'stats' }, 'stats')]);
    const sent = await sender.request({ cmd: 'send', to, files: files.slice(0, options.sessions), concurrency: options.concurrency }, 'sent');
    // The receiver publishes a file after its last 200, so the final few may still be in hand.
    let receiverStats = await receiver.request({ cmd: 'stats' }, 'stats');
    for (let wait = 0; wait < 50 && receiverStats.received + receiverStats.failed < sent.ok; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      receiverStats = await receiver.request({ cmd: 'stats' }, 'stats');
    }
    const senderStats = await sender.request({ cmd: 'stats' }, 'stats');
    return {
      sessions: options.sessions,
      concurrency: options.concurrency,
      transport,
      elapsedMs: sent.elapsedMs,
      sessionsPerSecond: sent.ok / (sent.elapsedMs / 1000),
      failures: sent.failed,
      received: receiverStats.received,
      firstFailures: sent.failures,
      senderPeakRssBytes: senderStats.peakRssBytes,
      receiverPeakRssBytes: receiverStats.peakRssBytes,
      senderCpuMsPerSession: (senderStats.cpuMs - senderBefore.cpuMs) / options.sessions,
      receiverCpuMsPerSession: (receiverStats.cpuMs - receiverBefore.cpuMs) / options.sessions,
    };
  } finally {
    await Promise.all([sender.stop(), receiver.stop()]);
  }
}
