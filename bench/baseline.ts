// Benchmark baseline: the fastest cpm-ft could ever be on this machine. A plain file -> TCP socket -> file
// copy on loopback inside one Node process, no MSRP framing, no SIP. MSRP transfer figures are read
// against this one. Figures only; nothing here asserts on time.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createHash, randomFillSync } from 'node:crypto';

export interface BaselineOptions {
  readonly sizeBytes: number;
  /** RSS sampling interval. */
  readonly sampleIntervalMs?: number;
  /** Read stream chunk size (highWaterMark). */
  readonly chunkBytes?: number;
  /** Copy this existing file (of sizeBytes) instead of creating a random one, so both runs read the same file. */
  readonly sourcePath?: string;
}

export interface BaselineResult {
  readonly sizeBytes: number;
  readonly bytesReceived: number;
  readonly elapsedMs: number;
  /** Megabytes (10^6 bytes) per second, over the socket transfer only (file creation excluded). */
  readonly megabytesPerSecond: number;
  readonly rssBeforeBytes: number;
  readonly peakRssBytes: number;
  readonly rssSamples: number;
  /** CPU (user + system, every thread) of the copy, both ends together: the floor per GiB. */
  readonly cpuMs: number;
}

/** Writes `size` random bytes in 1 MiB blocks and returns their SHA-1 (lowercase hex). */
export async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha1');
  const handle = await open(path, 'w');
  try {
    const block = Buffer.allocUnsafe(Math.max(1, Math.min(size, 1 << 20)));
    for (let written = 0; written < size;) {
      const n = Math.min(block.length, size - written);
      randomFillSync(block, 0, n);
      hash.update(block.subarray(0, n));
      await handle.write(block, 0, n);
      written += n;
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

export async function runBaseline(options: BaselineOptions): Promise<BaselineResult> {
  const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-bench-'));
  const source = options.sourcePath ?? join(dir, 'source.bin');
  const target = join(dir, 'target.bin');
  const server = createServer();
  let peak = 0;
  let samples = 0;
  const sample = (): void => { peak = Math.max(peak, process.memoryUsage.rss()); samples += 1; };
  let sampler: NodeJS.Timeout | undefined;
  try {
    if (options.sourcePath === undefined) await writeRandomFile(source, options.sizeBytes);
    const received = new Promise<void>((resolve, reject) => {
      server.once('connection', (socket) => {
        pipeline(socket, createWriteStream(target)).then(resolve, reject);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const rssBefore = process.memoryUsage.rss();
    sample();
    sampler = setInterval(sample, options.sampleIntervalMs ?? 10);
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
    const sent = pipeline(createReadStream(source, { highWaterMark: options.chunkBytes ?? 64 * 1024 }), socket);
    await Promise.all([sent, received]);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    sampler = undefined;
    sample();
    const bytesReceived = (await stat(target)).size;
    return {
      sizeBytes: options.sizeBytes,
      bytesReceived,
      elapsedMs,
      megabytesPerSecond: elapsedMs > 0 ? bytesReceived / 1e6 / (elapsedMs / 1000) : Number.POSITIVE_INFINITY,
      rssBeforeBytes: rssBefore,
      peakRssBytes: peak,
      rssSamples: samples,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  } finally {
    if (sampler !== undefined) clearInterval(sampler);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  }
}
