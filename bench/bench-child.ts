// Child process of `cpm-ft bench`: one real cpm-ft client (src/client.ts) acting as receiver or
// sender, driven over IPC by bench-process.ts. Separate processes give each end its own core and
// its own peak RSS, as two applications on one host would have.

// Stands for the CLI: its heap policy first, the client loaded after it (heap-growth-first.ts).
import './heap-growth-first.ts';
import type { CpmClient, LogEvent } from '../src/client-types.ts';
import { constants as perfConstants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import type { ChildCommand, ChildEvent, HeapFigures } from './bench-protocol.ts';

const { createClient } = await import('../src/client.ts');
const { readPeakRss } = await import('./peak-rss.ts');
const { readThreadCpu } = await import('./thread-cpu.ts');

let client: CpmClient | undefined;
// Collections counted by kind, so the cost of a young-generation policy shows as scavenges per session.
let scavenges = 0;
let fullCollections = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
    if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) scavenges += 1;
    else if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) fullCollections += 1;
  }
}).observe({ entryTypes: ['gc'] });
const heapFigures = (): HeapFigures => {
  const spaces = getHeapSpaceStatistics();
  const size = (name: string): number => spaces.find((space) => space.space_name === name)?.space_size ?? 0;
  return { newSpaceBytes: size('new_space'), oldSpaceBytes: size('old_space'), scavenges, fullCollections };
};
let received = 0;
let sendStarted = 0;
let firstMessageStart: number | undefined;
let lastAcknowledged: number | undefined;
// The client's structured log tells when the MSRP data phase of a send began and ended, so the
// report can split a transfer into hash + SIP setup, MSRP data and the receiver's check.
const onLog = (event: LogEvent): void => {
  if (event.kind !== 'msrp') return;
  if (event['event'] === 'message-start') firstMessageStart ??= performance.now() - sendStarted;
  else if (event['event'] === 'message-acknowledged') lastAcknowledged = performance.now() - sendStarted;
};
let failed = 0;

const reply = (event: ChildEvent): void => {
  process.send?.(event);
};

async function sendAll(to: string, files: readonly string[], concurrency: number): Promise<ChildEvent> {
  const sender = client;
  if (sender === undefined) return { event: 'error', message: 'sender not started' };
  let next = 0;
  let ok = 0;
  let bad = 0;
  const failures: string[] = [];
  const started = performance.now();
  sendStarted = started;
  firstMessageStart = undefined;
  lastAcknowledged = undefined;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++] as string;
      const summary = await sender.send({ kind: 'one-recipient', uri: to }, [file]).done;
      if (summary.ok) ok++;
      else {
        bad++;
        const why = summary.files.map((f) => f.failure?.message).filter((m) => m !== undefined).join('; ');
        if (failures.length < 5) failures.push(why || 'session failed');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, worker));
  return {
    event: 'sent', ok, failed: bad, elapsedMs: performance.now() - started, failures,
    phases: { firstMessageStartMs: firstMessageStart, lastAcknowledgedMs: lastAcknowledged },
  };
}

async function handle(command: ChildCommand): Promise<void> {
  switch (command.cmd) {
    case 'start-receiver': {
      // The rate test is one peer opening up to 500 sessions at once on purpose; the client's default
      // caps (16 per peer, 64 per source address, 128 in total, answered 486/503) guard a real receiver against that.
      client = await createClient({
        localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: command.transport },
        limits: { maxSessionsPerPeer: 1000, maxSessionsPerSource: 1000, maxSessions: 1000 },
        ...(command.relay !== undefined ? { msrpRelay: command.relay } : {}),
      });
      const fileEvents = command.fileEvents !== false;
      client.on('file-received', (file) => { received++; if (fileEvents) reply({ event: 'file-received', hash: file.hash, size: file.size }); });
      client.on('file-failed', (file) => { failed++; if (fileEvents) reply({ event: 'file-failed', reason: file.reason }); });
      client.receive({ dir: command.dir });
      reply({ event: 'ready', sipPort: client.sipAddress.port });
      return;
    }
    case 'start-sender': {
      client = await createClient({
        localUri: 'sip:alice@127.0.0.1',
        sip: { host: '127.0.0.1', port: 0, transport: command.transport },
        ...(command.chunkSize !== undefined ? { chunkSize: command.chunkSize } : {}),
        ...(command.peerTuning !== undefined ? { peerTuning: command.peerTuning } : {}),
        ...(command.phases === true ? { log: onLog } : {}),
        ...(command.relay !== undefined ? { msrpRelay: command.relay } : {}),
        ...(command.hashCacheDir !== undefined ? { hashCacheDir: command.hashCacheDir } : {}),
      });
      reply({ event: 'ready', sipPort: client.sipAddress.port });
      return;
    }
    case 'send':
      reply(await sendAll(command.to, command.files, command.concurrency));
      return;
    case 'stats': {
      const cpu = readThreadCpu();
      reply({ event: 'stats', received, failed, peakRssBytes: readPeakRss(), rssBytes: process.memoryUsage.rss(), cpuMs: cpu.totalMs, systemCpuMs: cpu.systemMs, ...(cpu.mainMs !== undefined ? { mainThreadCpuMs: cpu.mainMs } : {}), heap: heapFigures() });
      return;
    }
    case 'stop':
      await client?.close();
      process.disconnect?.();
      return;
  }
}

process.on('message', (command: ChildCommand) => {
  handle(command).catch((error: unknown) => reply({ event: 'error', message: error instanceof Error ? error.message : String(error) }));
});
