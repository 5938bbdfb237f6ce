// One end of the fair baseline (a2), run in its own process by fair-baseline.ts. It does the work the
// protocol cannot avoid and nothing else, with the cheapest I/O Node has: the sender hashes the whole
// file before the first byte (the RFC 5547 offer carries the SHA-1), then streams it from a few reused
// buffers; the receiver dials (as a cpm-ft receiver answering a=setup:active does), reads the socket
// straight into pooled arenas (node:net `onread`, no copy), hashes each read, writes the filled arenas
// with writev and fsyncs before it calls the file done. No framing, no SIP.

import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export type FairPeerCommand =
  | { readonly cmd: 'serve'; readonly path: string }
  | { readonly cmd: 'receive'; readonly path: string; readonly port: number };

export type FairPeerEvent =
  | { readonly event: 'listening'; readonly port: number }
  | { readonly event: 'done'; readonly sha1: string; readonly bytes: number; readonly cpuMs: number; readonly peakRssBytes: number }
  | { readonly event: 'error'; readonly message: string };

// 1 MiB blocks: larger ones measured no faster and only cost memory.
const blockBytes = 1 << 20;
// Sender: blocks in flight toward the socket. Receiver: arenas filled or being written.
const poolSize = 8;
// A read is given at least this much room; an arena with less left is sealed and written.
const minReadRoom = 64 * 1024;

const reply = (event: FairPeerEvent): void => { process.send?.(event); };
const cpuMsOf = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

/** Sender: hash pass, then the bytes from `poolSize` reused blocks, each back in the pool once written. */
async function serve(path: string): Promise<void> {
  const server = createServer({ noDelay: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  reply({ event: 'listening', port: (server.address() as AddressInfo).port });
  const [socket] = await once(server, 'connection') as [Socket];
  server.close();
  const cpu = process.cpuUsage();
  const file = await open(path, 'r');
  try {
    const hash = createHash('sha1');
    const scratch = Buffer.allocUnsafeSlow(blockBytes);
    for (let n; (n = (await file.read(scratch, 0, blockBytes, null)).bytesRead) > 0;) hash.update(scratch.subarray(0, n));
    const sha1 = hash.digest('hex');
    const free = Array.from({ length: poolSize }, () => Buffer.allocUnsafeSlow(blockBytes));
    let waiter: (() => void) | undefined;
    let bytes = 0;
    for (let position = 0; ; position += blockBytes) {
      while (free.length === 0) await new Promise<void>((resolve) => { waiter = resolve; });
      const block = free.pop()!;
      const { bytesRead } = await file.read(block, 0, blockBytes, position);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      socket.write(block.subarray(0, bytesRead), () => { free.push(block); waiter?.(); waiter = undefined; });
    }
    socket.end();
    await once(socket, 'close');
    reply({ event: 'done', sha1, bytes, cpuMs: cpuMsOf(process.cpuUsage(cpu)), peakRssBytes: peakRss() });
  } finally {
    await file.close();
  }
}

/** Receiver: reads land in pooled arenas; a sealed arena's filled part is hashed already and written whole. */
async function receive(path: string, port: number): Promise<void> {
  const cpu = process.cpuUsage();
  const file = await open(path, 'w');
  const hash = createHash('sha1');
  const free: Buffer[] = Array.from({ length: poolSize }, () => Buffer.allocUnsafeSlow(blockBytes));
  // node:net asks for the next read's buffer right after each read, even one that stopped reading, and
  // keeps it for the read after a resume; while no arena is free it gets this one, copied out later.
  const parking = Buffer.allocUnsafeSlow(minReadRoom);
  let given: Buffer = parking;
  let arena: Buffer | undefined = free.pop();
  let filled = 0;
  let bytes = 0;
  const sealed: { readonly arena: Buffer; readonly filled: number }[] = [];
  let writing: Promise<void> | undefined;
  let socket: Socket | undefined;
  let failed: Error | undefined;

  const writeSealed = async (): Promise<void> => {
    while (sealed.length > 0) {
      const batch = sealed.splice(0);
      await file.writev(batch.map((part) => part.arena.subarray(0, part.filled)));
      for (const part of batch) free.push(part.arena);
      // Reading stopped for want of an arena (the read callback returned false): start it again.
      if (arena === undefined) { arena = free.pop(); filled = 0; socket?.resume(); }
    }
    writing = undefined;
  };
  const seal = (): void => {
    if (arena !== undefined && filled > 0) sealed.push({ arena, filled });
    // Only with something to write: writeSealed() over an empty list would finish (and clear
    // `writing`) before this assignment, leaving a settled promise that the final wait loops on.
    if (writing === undefined && sealed.length > 0) writing = writeSealed().catch((error: unknown) => { failed = error as Error; socket?.destroy(); });
    arena = free.pop();
    filled = 0;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      socket = connect({
        host: '127.0.0.1', port,
        onread: {
          buffer: () => (given = arena === undefined ? parking : arena.subarray(filled)),
          callback: (n: number) => {
            // Reading restarts only once an arena is back, so one is there now.
            const into = arena!;
            if (given === parking) parking.copy(into, filled, 0, n);
            hash.update(into.subarray(filled, filled + n));
            filled += n;
            bytes += n;
            if (into.length - filled < minReadRoom) seal();
            return arena !== undefined;
          },
        },
      });
      // With `onread` nothing consumes the readable side, so 'end' may never be emitted: 'close' is.
      socket.once('close', (hadError) => { if (!hadError) resolve(); });
      socket.once('error', reject);
    });
    seal();
    while (writing !== undefined) await writing;
    if (failed !== undefined) throw failed;
    await file.sync();
  } finally {
    await file.close();
  }
  reply({ event: 'done', sha1: hash.digest('hex'), bytes, cpuMs: cpuMsOf(process.cpuUsage(cpu)), peakRssBytes: peakRss() });
}

process.on('message', (command: FairPeerCommand) => {
  const run = command.cmd === 'serve' ? serve(command.path) : receive(command.path, command.port);
  run.catch((error: unknown) => reply({ event: 'error', message: String(error) }));
});
process.on('disconnect', () => process.exit(0));
