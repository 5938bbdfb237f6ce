// The fair baseline (a2): the least work any file transfer with an RFC 5547 hash must do, done as fast as
// Node allows, in two processes like the real client: the sender hashes the file (the offer needs the
// SHA-1 before the first byte) and streams it over loopback TCP; the receiver hashes, writes and fsyncs.
// (b) is judged against this. To show (a2) itself is not slowed to flatter that ratio, its CPU is printed
// beside a floor made of tools outside Node: `sha1sum` over the file (once per side) plus the
// one-process copy (a). Figures only; nothing here asserts on time.

import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FairPeerCommand, FairPeerEvent } from './fair-baseline-peer.ts';

export interface FairBaselineOptions {
  readonly sourcePath: string;
  readonly sourceSha1: string;
  readonly sizeBytes: number;
  /** Where the receiver writes its copy (removed afterwards). */
  readonly targetPath: string;
}

export interface FairBaselineResult {
  readonly sizeBytes: number;
  /** From the sender's first read (its hash pass) to the receiver's fsync. */
  readonly elapsedMs: number;
  readonly megabytesPerSecond: number;
  readonly senderCpuMs: number;
  readonly receiverCpuMs: number;
  readonly senderPeakRssBytes: number;
  readonly receiverPeakRssBytes: number;
  /** Both ends' SHA-1 equal the source's and every byte arrived. */
  readonly ok: boolean;
}

const fromSources = import.meta.url.endsWith('.ts');
const peerScript = fileURLToPath(new URL(fromSources ? './fair-baseline-peer.ts' : './fair-baseline-peer.js', import.meta.url));

type Done = Extract<FairPeerEvent, { event: 'done' }>;

class FairPeer {
  readonly #child: ChildProcess;
  constructor() {
    this.#child = fork(peerScript, [], {
      execArgv: fromSources ? ['--import', import.meta.resolve('tsx')] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }

  next<K extends FairPeerEvent['event']>(kind: K): Promise<Extract<FairPeerEvent, { event: K }>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`fair baseline peer exited with ${code}`));
      const onMessage = (event: FairPeerEvent): void => {
        this.#child.off('message', onMessage);
        this.#child.off('exit', onExit);
        if (event.event === kind) resolve(event as Extract<FairPeerEvent, { event: K }>);
        else reject(new Error(event.event === 'error' ? event.message : `fair baseline peer: expected ${kind}, got ${event.event}`));
      };
      this.#child.on('message', onMessage);
      this.#child.once('exit', onExit);
    });
  }

  send(command: FairPeerCommand): void { this.#child.send(command); }
  stop(): void { this.#child.disconnect(); }
}

export async function runFairBaseline(options: FairBaselineOptions): Promise<FairBaselineResult> {
  const receiver = new FairPeer();
  const sender = new FairPeer();
  try {
    const listening = sender.next('listening');
    sender.send({ cmd: 'serve', path: options.sourcePath });
    const { port } = await listening;
    const received = receiver.next('done');
    const sent = sender.next('done');
    // The clock starts as the receiver dials: the sender's hash pass starts when it is connected.
    const started = process.hrtime.bigint();
    receiver.send({ cmd: 'receive', path: options.targetPath, port });
    const [s, r]: [Done, Done] = await Promise.all([sent, received]);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    return {
      sizeBytes: options.sizeBytes,
      elapsedMs,
      megabytesPerSecond: r.bytes / 1e6 / (elapsedMs / 1000),
      senderCpuMs: s.cpuMs,
      receiverCpuMs: r.cpuMs,
      senderPeakRssBytes: s.peakRssBytes,
      receiverPeakRssBytes: r.peakRssBytes,
      ok: s.sha1 === options.sourceSha1 && r.sha1 === options.sourceSha1 && r.bytes === options.sizeBytes,
    };
  } finally {
    sender.stop();
    receiver.stop();
    await rm(options.targetPath, { force: true });
  }
}

/**
 * CPU (user + system) that coreutils' `sha1sum` spends on the file, read with the shell's `times`
 * builtin (the second line is its children's). `times` counts in clock ticks (10 ms), so a small file
 * is hashed as many times as make ~256 MiB and the figure is divided back. Undefined where there is no
 * sha1sum or no POSIX shell.
 */
export function sha1sumCpuMs(path: string, sizeBytes: number): number | undefined {
  const rounds = Math.max(1, Math.ceil((256 << 20) / Math.max(1, sizeBytes)));
  const script = 'i=0; while [ "$i" -lt "$2" ]; do sha1sum "$1" >/dev/null || exit 1; i=$((i+1)); done; times';
  const run = spawnSync('sh', ['-c', script, 'sh', path, String(rounds)], { encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  const children = run.stdout.trim().split('\n')[1];
  const seconds = [...(children ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return seconds.length === 2 ? ((seconds[0]! + seconds[1]!) * 1000) / rounds : undefined;
}
