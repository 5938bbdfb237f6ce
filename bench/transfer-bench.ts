// Throughput of the real client: one file, sender and receiver in two child processes on
// loopback, SHA-1 computed by the sender for the offer (RFC 5547 hash selector) and checked by
// the receiver before it publishes the file. The parent checks the hash once more against the
// one it computed while writing the source.

import type { PeerTuning, SipTransportName } from '../src/client-types.ts';
import { BenchProcess } from './bench-process.ts';
import type { BenchRelay, ChildEvent } from './bench-protocol.ts';

export interface TransferBenchOptions {
  /** The file to send (already written) and its SHA-1 in lowercase hex. */
  readonly sourcePath: string;
  readonly sourceSha1: string;
  readonly sizeBytes: number;
  /** Folder the receiver writes into (empty). */
  readonly inbox: string;
  readonly transport?: SipTransportName;
  readonly chunkSize?: number;
  /** The sender's peerTuning (default: the client's, `auto`). */
  readonly peerTuning?: PeerTuning;
  /** Write CPU profiles of both children into this folder. */
  readonly profileDir?: string;
  /** Both ends send their MSRP through this RFC 4976 relay. */
  readonly relay?: (username: string) => BenchRelay;
  /** The sender's hashCacheDir: primed with the source's SHA-1, it measures a resend. */
  readonly hashCacheDir?: string;
}

export interface TransferBenchResult {
  readonly sizeBytes: number;
  /** From the send command to the receiver's published, hash-checked file. */
  readonly elapsedMs: number;
  /**
   * From the send command until the sender's send() settled. Without Success-Report the sender
   * waits a grace period (four round trips, 60–500 ms) after the last 200 for a late failure REPORT before it calls the
   * file delivered: a fixed protocol wait, not transfer time, so it is shown but not in elapsedMs.
   * On the tuned data path (peer-data-path.ts) it settles on the success REPORT, with no grace.
   */
  readonly senderDoneMs: number;
  readonly megabytesPerSecond: number;
  /** The transfer succeeded at the sender and the receiver's SHA-1 equals the source's. */
  readonly ok: boolean;
  readonly failure?: string;
  readonly senderPeakRssBytes: number;
  readonly receiverPeakRssBytes: number;
  /** Hash pass + SIP setup: from the send to the first MSRP SEND of the file. */
  readonly beforeDataMs: number | undefined;
  /** MSRP data: from the first SEND to the 200 for the last chunk. */
  readonly dataMs: number | undefined;
  /** After the last 200: the receiver's fsync, hash check and publish. */
  readonly afterDataMs: number | undefined;
  /** CPU time (user + system) each process spent during the transfer: shows whether it was CPU-bound. */
  readonly senderCpuMs: number;
  readonly receiverCpuMs: number;
  /** The main (JavaScript) thread's share of the above, where the platform tells (Linux). */
  readonly senderMainThreadCpuMs?: number;
  readonly receiverMainThreadCpuMs?: number;
}

const mainDelta = (before: { mainThreadCpuMs?: number }, after: { mainThreadCpuMs?: number }): number | undefined =>
  before.mainThreadCpuMs === undefined || after.mainThreadCpuMs === undefined ? undefined : after.mainThreadCpuMs - before.mainThreadCpuMs;

const optional = <K extends string>(key: K, value: number | undefined): { [P in K]?: number } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };

const hexOfPairs = (pairs: string): string => pairs.replaceAll(':', '').toLowerCase();

export async function runTransferBench(options: TransferBenchOptions): Promise<TransferBenchResult> {
  const transport = options.transport ?? 'tcp';
  const receiver = new BenchProcess('receiver', options.profileDir);
  const sender = new BenchProcess('sender', options.profileDir);
  try {
    const [{ sipPort }] = await Promise.all([
      receiver.request({ cmd: 'start-receiver', dir: options.inbox, transport, ...(options.relay !== undefined ? { relay: options.relay('bob') } : {}) }, 'ready'),
      sender.request({
        cmd: 'start-sender', transport, phases: true,
        ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
        ...(options.peerTuning !== undefined ? { peerTuning: options.peerTuning } : {}),
        ...(options.relay !== undefined ? { relay: options.relay('alice') } : {}),
        ...(options.hashCacheDir !== undefined ? { hashCacheDir: options.hashCacheDir } : {}),
      }, 'ready'),
    ]);
    const arrived = new Promise<ChildEvent>((resolve) => {
      const off = receiver.on((event) => {
        if (event.event === 'file-received' || event.event === 'file-failed' || event.event === 'error') { off(); resolve(event); }
      });
    });
    const to = `sip:bob@127.0.0.1:${sipPort}${transport === 'udp' ? '' : `;transport=${transport}`}`;
    const [senderBefore, receiverBefore] = await Promise.all([sender.request({ cmd: 'stats' }, 'stats'), receiver.request({ cmd: 'stats' }, 'stats')]);
    const started = performance.now();
    const [sent, outcome] = await Promise.all([
      sender.request({ cmd: 'send', to, files: [options.sourcePath], concurrency: 1 }, 'sent'),
      arrived.then((event) => ({ event, at: performance.now() })),
    ]);
    const elapsedMs = outcome.at - started;
    const [senderStats, receiverStats] = await Promise.all([sender.request({ cmd: 'stats' }, 'stats'), receiver.request({ cmd: 'stats' }, 'stats')]);
    let failure: string | undefined;
    if (sent.ok !== 1) failure = `sender: ${sent.failures.join('; ') || 'failed'}`;
    else if (outcome.event.event !== 'file-received') failure = `receiver: ${outcome.event.event === 'file-failed' ? outcome.event.reason : 'no file'}`;
    else if (hexOfPairs(outcome.event.hash) !== options.sourceSha1) failure = `receiver hash ${outcome.event.hash} differs from the source's ${options.sourceSha1}`;
    return {
      sizeBytes: options.sizeBytes,
      elapsedMs,
      senderDoneMs: sent.elapsedMs,
      megabytesPerSecond: options.sizeBytes / 1e6 / (elapsedMs / 1000),
      ok: failure === undefined,
      ...(failure !== undefined ? { failure } : {}),
      senderPeakRssBytes: senderStats.peakRssBytes,
      receiverPeakRssBytes: receiverStats.peakRssBytes,
      beforeDataMs: sent.phases.firstMessageStartMs,
      dataMs: sent.phases.lastAcknowledgedMs === undefined || sent.phases.firstMessageStartMs === undefined ? undefined : sent.phases.lastAcknowledgedMs - sent.phases.firstMessageStartMs,
      afterDataMs: sent.phases.lastAcknowledgedMs === undefined ? undefined : elapsedMs - sent.phases.lastAcknowledgedMs,
      senderCpuMs: senderStats.cpuMs - senderBefore.cpuMs,
      receiverCpuMs: receiverStats.cpuMs - receiverBefore.cpuMs,
      ...optional('senderMainThreadCpuMs', mainDelta(senderBefore, senderStats)),
      ...optional('receiverMainThreadCpuMs', mainDelta(receiverBefore, receiverStats)),
    };
  } finally {
    await Promise.all([sender.stop(), receiver.stop()]);
  }
}
