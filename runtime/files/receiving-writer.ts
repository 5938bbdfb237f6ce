// Writes a file being received over MSRP. Data goes to a hidden temporary file in the target
// folder; only after the size and the RFC 5547 sha-1 check out is it published under its final
// name, and never over an existing file. Chunks may arrive at any Byte-Range offset.

import { constants } from 'node:fs';
import { access, link, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CpmError, fail, ok, type Result } from '../errors.ts';
import { randomHex } from '../random-token.ts';
import { closeFd, openFd, syncFd, writeAt, writevAt } from './fd-io.ts';
import type { FileHash } from '../sdp/file-attribute-codecs.ts';
import { ReceivedRanges, type ByteSpan } from './received-ranges.ts';
import { collisionName, resolveInsideFolder, safeFileName } from './safe-file-name.ts';
import { createSha1Hasher, hashFile, type Sha1Hasher } from './sha1-hasher.ts';
import { createWorkerSha1Stream, type WorkerSha1Stream } from './sha1-worker.ts';

export interface ReceivingWriterOptions {
  /** Folder the file ends up in; the temporary file is created there too, so publishing is a link. */
  folder: string;
  /** The name the sender offered; it is made safe with safeFileName(). */
  offeredName: string;
  /** The size from the offer's file-selector, when known: writes beyond it are refused. */
  expectedSize?: number;
  /** Bytes queued for disk above which `needsDrain` turns true. Default 4 MiB. */
  highWaterMark?: number;
  /**
   * Hash on a worker thread (runtime/files/sha1-worker.ts) when the expected size is at least this
   * many bytes. Default: never. On the 2-core bench VM the worker took ~13% off the receiver's
   * main-thread CPU per GiB but added ~15% to its total CPU and ~26 MB to its peak RSS (a second
   * V8 isolate), with no spare core to run on: worth it only where cores are idle.
   */
  workerHashMinBytes?: number;
}

export interface FinalizeExpectation {
  size: number;
  /** From the offer's hash selector; without it only the size is checked. */
  hash?: FileHash;
}

export interface ReceivedFile {
  path: string;
  size: number;
  hash: FileHash;
}

type WriterState = 'open' | 'finalizing' | 'done' | 'aborted';

/** Bytes staged for one contiguous stretch of the file, written out as one buffer. */
interface StagedBlock {
  readonly buffer: Buffer;
  /** 1-based file position of buffer[0]. */
  readonly start: number;
  filled: number;
  /** Who still reads the buffer: the disk write, and the hash worker while it hashes the block. */
  holds: number;
  /** Shared by every write copied into this block: settles when the block is on disk. */
  readonly written: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: CpmError) => void;
}

// Incoming bytes are copied into a few reused 1 MiB blocks and written from there. On the bench
// VM a standalone loop wrote fresh 64 KiB buffers (like socket reads) to the page cache at
// 0.35-1.7 GB/s and reused, already mapped blocks at 2.5-3.4 GB/s; in the bench itself page-cache
// writes stay the receiver's bottleneck, but the socket's buffers are free as soon as the copy is
// done and the memory waiting for the disk is a fixed pool.
const BLOCK_BYTES = 1024 * 1024;
// Kept between writes; more blocks are allocated while a burst exceeds them. Four (with 8 or 16
// the bench ran no faster and the receiver's peak RSS went past 150 MB at 1 GiB).
const POOLED_BLOCKS = 4;
// At most this many 1 MiB blocks are in use (filling, queued, on their way to disk); past it
// needsDrain holds too. A block is sealed part-filled every event-loop turn, so the byte mark
// alone let a burst take many blocks: each one past the pool was a fresh 1 MiB allocation thrown
// away afterwards, and the receiver's RSS crept up over a 1 GiB file (75 MB at 64 MiB, 98 MB at
// 1 GiB in the bench). With the pool as large as the bound, no block is allocated after the first few.
const MAX_BLOCKS_IN_USE = POOLED_BLOCKS + 2;
// Bytes waiting for the disk before needsDrain turns true: the pool, plus the block being filled.
const DEFAULT_HIGH_WATER_MARK = POOLED_BLOCKS * BLOCK_BYTES;

/** Blocks per writev. */
const MAX_WRITEV_BUFFERS = 64;

const MAX_COLLISIONS = 10_000;

const DEFAULT_WORKER_HASH_MIN_BYTES = Number.POSITIVE_INFINITY;

/** The exact name of a writer's temporary file: `.cpm-` and 24 hex digits (12 random bytes), `.part`. */
export const TEMP_PART_NAME = /^\.cpm-[0-9a-f]{24}\.part$/;
const newTempPartName = (): string => `.cpm-${randomHex(12)}.part`;

// Temporary files of writers in this process that are still open or finalizing; the stale-part
// sweep never removes these, whatever their age (a stalled transfer can be older than the limit).
const liveTempPaths = new Set<string>();

/** Whether `path` (absolute, as a writer's tempPath) belongs to a writer of this process still running. */
export function isLiveTempPart(path: string): boolean {
  return liveTempPaths.has(path);
}
// A receiving folder that passed the access(2) check is trusted for a second: a receiver taking
// hundreds of offers a second into one folder asked the thread pool the same question per offer. A
// folder that stops being writable meanwhile still fails the file, at its first write
// (ERR_FILE_WRITE with the system error), only not already at the offer. Failures are not kept.
const FOLDER_CHECK_TTL_MS = 1000;
const MAX_CHECKED_FOLDERS = 64;
const checkedFolders = new Map<string, number>();

async function checkWritableFolder(folder: string): Promise<void> {
  const now = performance.now();
  const checkedAt = checkedFolders.get(folder);
  if (checkedAt !== undefined && now - checkedAt < FOLDER_CHECK_TTL_MS) return;
  await access(folder, constants.W_OK | constants.X_OK);
  if (checkedFolders.size >= MAX_CHECKED_FOLDERS) checkedFolders.clear();
  checkedFolders.set(folder, now);
}

const isCode = (error: unknown, ...codes: string[]): boolean =>
  typeof error === 'object' && error !== null && codes.includes((error as { code?: string }).code ?? '');

export class ReceivingWriter {
  readonly folder: string;
  /** The safe name the file will be published under (or `name (n).ext` on collision). */
  readonly fileName: string;
  readonly expectedSize: number | undefined;
  readonly highWaterMark: number;

  #tempPath: string;
  /** Undefined until the first bytes go to disk for a deferred writer (see `deferred`). */
  #handle: number | undefined;
  /** The open of a deferred writer's temporary file, once started; rejects with ERR_FILE_WRITE. */
  #opening: Promise<number> | undefined;
  #state: WriterState = 'open';
  /** Settles when the flush loop running now (if any) has emptied the queue; never rejects. */
  #tail: Promise<void> = Promise.resolve();
  /** Sealed blocks waiting for the disk, in arrival order. */
  #queue: StagedBlock[] = [];
  /** The block being filled; sealed when full, when a write does not continue it, or on flush. */
  #open: StagedBlock | undefined;
  #spare: Buffer[] = [];
  /** Full-size blocks taken from the pool (or allocated) and not yet given back. */
  #blocksInUse = 0;
  #flushScheduled = false;
  #flushing = false;
  #pending = 0;
  #drainWaiters: Array<() => void> = [];
  #error: CpmError | undefined;
  #ranges = new ReceivedRanges();
  // SHA-1 computed on the fly while chunks arrive in order; dropped at the first out-of-order chunk.
  #hasher: Sha1Hasher | undefined;
  // Or the same on a worker thread, fed whole blocks as they are sealed (large files).
  #worker: WorkerSha1Stream | undefined;
  #hashedNext = 1;
  // Where a write without an explicit start goes: after the highest byte queued so far.
  #appendAt = 1;

  private constructor(options: ReceivingWriterOptions, tempPath: string, fileName: string, handle: number | undefined) {
    this.folder = options.folder;
    this.#tempPath = tempPath;
    this.fileName = fileName;
    this.expectedSize = options.expectedSize;
    this.highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.#handle = handle;
    const onWorker = options.expectedSize !== undefined && options.expectedSize >= (options.workerHashMinBytes ?? DEFAULT_WORKER_HASH_MIN_BYTES);
    if (onWorker) this.#worker = createWorkerSha1Stream();
    else this.#hasher = createSha1Hasher();
  }

  static async create(options: ReceivingWriterOptions): Promise<ReceivingWriter> {
    const writer = ReceivingWriter.#unopened(options);
    await writer.#openTemp();
    return writer;
  }

  /**
   * A writer whose temporary file is only created when its first bytes go to disk (or at
   * finalize, for an empty file). An offer of many files then costs no descriptor per file until
   * data for it arrives; a failure to create the file (EMFILE, ENOSPC ...) surfaces as the first
   * write's error, like any other write error. A folder we cannot write into (read-only, not a
   * folder) is refused here already, without holding a descriptor (access(2); a folder found
   * writable less than a second ago is not asked again).
   */
  static async deferred(options: ReceivingWriterOptions): Promise<ReceivingWriter> {
    const writer = ReceivingWriter.#unopened(options);
    try {
      await checkWritableFolder(options.folder);
    } catch (cause) {
      throw new CpmError('ERR_FILE_WRITE', `cannot create a temporary file in ${options.folder}`, { cause, location: { source: options.folder } });
    }
    return writer;
  }

  static #unopened(options: ReceivingWriterOptions): ReceivingWriter {
    const fileName = safeFileName(options.offeredName);
    const temp = resolveInsideFolder(options.folder, newTempPartName());
    if (!temp.ok) throw temp.error;
    return new ReceivingWriter(options, temp.value, fileName, undefined);
  }

  /** The hidden temporary file the data goes to (it may not exist yet for a deferred writer). */
  get tempPath(): string {
    return this.#tempPath;
  }

  /** Whether the temporary file is open (a descriptor is held). */
  get opened(): boolean {
    return this.#handle !== undefined;
  }

  // Exclusive create with a random hidden name: nothing else can be opened or clobbered.
  #openTemp(): Promise<number> {
    this.#opening ??= (async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          const handle = await openFd(this.#tempPath, 'wx', 0o600);
          liveTempPaths.add(this.#tempPath);
          this.#handle = handle;
          return handle;
        } catch (cause) {
          if (isCode(cause, 'EEXIST') && attempt < 5) {
            const temp = resolveInsideFolder(this.folder, newTempPartName());
            if (!temp.ok) throw temp.error;
            this.#tempPath = temp.value;
            continue;
          }
          throw new CpmError('ERR_FILE_WRITE', `cannot create a temporary file in ${this.folder}`, { cause, location: { source: this.folder } });
        }
      }
    })();
    return this.#opening;
  }

  /** Ranges received so far, 1-based inclusive and merged. */
  receivedRanges(): ByteSpan[] {
    return this.#ranges.toArray();
  }

  /** Ranges still missing up to `size` (default: the expected size). */
  missingRanges(size = this.expectedSize ?? 0): ByteSpan[] {
    return this.#ranges.missing(size);
  }

  get receivedBytes(): number {
    return this.#ranges.bytes;
  }

  /** Bytes accepted by write() but not yet on disk. */
  get pendingBytes(): number {
    return this.#pending;
  }

  /** Backpressure: true while more than highWaterMark bytes wait for the disk, or all pooled blocks are in use. */
  get needsDrain(): boolean {
    return this.#pending >= this.highWaterMark || this.#blocksInUse >= MAX_BLOCKS_IN_USE;
  }

  /** Resolves once the queue is below highWaterMark again. */
  drained(): Promise<void> {
    if (!this.needsDrain) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Queues `data` for bytes start..start+length-1 (1-based, an MSRP Byte-Range start; default:
   * right after the highest byte queued so far). The returned promise settles when the bytes are
   * written. `data` is copied (and hashed) before write() returns, so the caller may reuse it at
   * once (the MSRP receive path passes views into a reused socket read buffer). Callers that do not await each write should
   * respect `needsDrain` / `drained()`.
   */
  write(data: Uint8Array, start: number = this.#appendAt): Promise<void> {
    if (this.#state !== 'open') return Promise.reject(new CpmError('ERR_FILE_WRITE', `writer is ${this.#state}`));
    if (this.#error) return Promise.reject(this.#error);
    if (!Number.isSafeInteger(start) || start < 1) {
      return Promise.reject(new CpmError('ERR_FILE_RANGE', `Byte-Range start is 1-based, got ${start}`));
    }
    const end = start + data.length - 1;
    // RFC 4975 §7.1.1: the range must lie within the total the sender announced.
    if (this.expectedSize !== undefined && end > this.expectedSize) {
      return Promise.reject(new CpmError('ERR_FILE_RANGE', `bytes ${start}-${end} exceed the offered size ${this.expectedSize}`));
    }
    if (data.length === 0) return Promise.resolve();
    if (this.#hasher !== undefined) {
      if (start === this.#hashedNext) {
        this.#hasher.update(data);
        this.#hashedNext = end + 1;
      } else {
        this.#hasher = undefined;
      }
    }
    this.#appendAt = Math.max(this.#appendAt, end + 1);
    this.#pending += data.length;
    let written: Promise<void> | undefined;
    for (let offset = 0; offset < data.length;) {
      const block = this.#blockFor(start + offset);
      const n = Math.min(data.length - offset, block.buffer.length - block.filled);
      block.buffer.set(data.subarray(offset, offset + n), block.filled);
      block.filled += n;
      offset += n;
      written = block.written;
      if (block.filled === block.buffer.length) this.#seal();
    }
    // A full disk queue starts the writes now; otherwise they start once the event loop has
    // delivered this round of socket reads, so a partly filled block takes all of them.
    if (this.needsDrain) this.#startFlush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => { this.#flushScheduled = false; this.#startFlush(); });
    }
    return written as Promise<void>;
  }

  /** The open block if `position` continues it, else a new one (sealing the old). */
  #blockFor(position: number): StagedBlock {
    const open = this.#open;
    if (open !== undefined && open.start + open.filled === position && open.filled < open.buffer.length) return open;
    this.#seal();
    let resolve!: () => void;
    let reject!: (error: CpmError) => void;
    const written = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
    // Callers may only watch the last write; a failure must not become an unhandled rejection.
    written.catch(() => {});
    const buffer = this.#spare.pop() ?? this.#newBlock(position);
    if (buffer.length === BLOCK_BYTES) this.#blocksInUse++;
    const block: StagedBlock = { buffer, start: position, filled: 0, holds: 1, written, resolve, reject };
    this.#open = block;
    return block;
  }

  #seal(): void {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    if (open.filled === 0) {
      this.#reuse(open.buffer);
      open.resolve();
      return;
    }
    this.#hashOnWorker(open);
    this.#queue.push(open);
  }

  // Blocks are sealed in arrival order; one that does not continue the hashed prefix (chunks out
  // of order) ends the worker's stream, and finalize() hashes the file instead.
  #hashOnWorker(block: StagedBlock): void {
    const stream = this.#worker;
    if (stream === undefined) return;
    if (block.start !== this.#hashedNext) {
      stream.drop();
      this.#worker = undefined;
      return;
    }
    this.#hashedNext = block.start + block.filled;
    block.holds++;
    void stream.update(block.buffer.subarray(0, block.filled)).then(() => this.#release(block));
  }

  /** One reader of the block is done; the last one frees its bytes and its buffer. */
  #release(block: StagedBlock): void {
    if (--block.holds > 0) return;
    this.#pending -= block.filled;
    this.#reuse(block.buffer);
    this.#wakeDrainWaiters();
  }

  // A small file gets a block of its own size: a 1 MiB block per 10 KiB file cost the session-rate
  // bench its throughput (an allocation V8 counts as external memory, per session).
  #newBlock(position: number): Buffer {
    const rest = this.expectedSize === undefined ? BLOCK_BYTES : this.expectedSize - position + 1;
    const bytes = Math.max(1, Math.min(BLOCK_BYTES, rest));
    // The hash worker reads blocks in place, so they are shared memory.
    return this.#worker !== undefined ? Buffer.from(new SharedArrayBuffer(bytes)) : Buffer.allocUnsafeSlow(bytes);
  }

  #reuse(buffer: Buffer): void {
    if (buffer.length !== BLOCK_BYTES) return;
    this.#blocksInUse--;
    if (this.#state === 'done' || this.#state === 'aborted') return;
    if (this.#spare.length < MAX_BLOCKS_IN_USE) this.#spare.push(buffer);
  }

  // A finished writer stays reachable as long as its session does, and a session outlives its
  // file: a BYE to a sender that vanished is retried for 32 s. Its pooled blocks (up to 6 MiB)
  // went with it; in a soak against SIGKILLed senders they were most of the receiver's external
  // memory (the heap snapshot's ArrayBuffers, all held by ended sessions' writers).
  #dropPool(): void {
    this.#spare = [];
  }

  /** Seals the open block and makes sure the flush loop runs; returns the loop's tail. */
  #startFlush(): Promise<void> {
    this.#seal();
    if (!this.#flushing && this.#queue.length > 0) this.#tail = this.#flush();
    return this.#tail;
  }

  // One loop writes the sealed blocks: every run of blocks that continue each other on disk goes
  // out in a single positioned writev. While the disk is busy, blocks pile up and the next round
  // trip takes them all, so a fast sender costs few thread-pool round trips.
  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      for (;;) {
        if (this.#queue.length === 0) {
          // Bytes that arrived while the last write ran go out now rather than on the next tick.
          this.#seal();
          if (this.#queue.length === 0) break;
        }
        const run = this.#takeContiguousRun();
        const first = run[0] as StagedBlock;
        let bytes = 0;
        for (const b of run) bytes += b.filled;
        try {
          if (this.#error) throw this.#error;
          await this.#writeRun(run.map((b) => b.buffer.subarray(0, b.filled)), first.start - 1, bytes);
          for (const b of run) this.#ranges.add(b.start, b.start + b.filled - 1);
        } catch (cause) {
          // The first failure sticks: every later write is refused with it.
          this.#error ??= cause instanceof CpmError ? cause : new CpmError('ERR_FILE_WRITE', `cannot write to ${this.tempPath}`, { cause, location: { source: this.tempPath } });
          const error = this.#error;
          for (const b of run) { b.reject(error); this.#release(b); }
          continue;
        }
        for (const b of run) { b.resolve(); this.#release(b); }
      }
    } finally {
      this.#flushing = false;
    }
  }

  #takeContiguousRun(): StagedBlock[] {
    const run: StagedBlock[] = [this.#queue.shift() as StagedBlock];
    let next = (run[0] as StagedBlock).start + (run[0] as StagedBlock).filled;
    while (run.length < MAX_WRITEV_BUFFERS) {
      const head = this.#queue[0];
      if (head === undefined || head.start !== next) break;
      run.push(head);
      this.#queue.shift();
      next += head.filled;
    }
    return run;
  }

  /** Writes the buffers at `position` (0-based), resuming after a short write. */
  async #writeRun(buffers: Uint8Array[], position: number, bytes: number): Promise<void> {
    let done = 0;
    let rest = buffers;
    const handle = this.#handle ?? await this.#openTemp();
    while (done < bytes) {
      const bytesWritten = rest.length === 1
        ? await writeAt(handle, rest[0] as Uint8Array, position + done)
        : await writevAt(handle, rest, position + done);
      done += bytesWritten;
      if (done >= bytes) break;
      // Short write: drop what went out and continue with the remainder.
      let skip = bytesWritten;
      const remaining: Uint8Array[] = [];
      for (const b of rest) {
        if (skip >= b.length) { skip -= b.length; continue; }
        remaining.push(skip > 0 ? b.subarray(skip) : b);
        skip = 0;
      }
      rest = remaining;
    }
  }

  #wakeDrainWaiters(): void {
    if (!this.needsDrain) for (const wake of this.#drainWaiters.splice(0)) wake();
  }

  /**
   * Checks the received file against the offer and publishes it. On any mismatch the temporary
   * file is removed and no file appears under the final name.
   */
  async finalize(expected: FinalizeExpectation): Promise<Result<ReceivedFile>> {
    if (this.#state !== 'open') return fail(new CpmError('ERR_FILE_WRITE', `writer is ${this.#state}`));
    this.#state = 'finalizing';
    await this.#startFlush();
    const failWith = async (error: CpmError): Promise<Result<never>> => {
      await this.#discard('aborted');
      return fail(error);
    };
    if (this.#error) return failWith(this.#error);
    try {
      // An empty file (or one never written) is created now: publishing links the temporary file.
      const handle = this.#handle ?? await this.#openTemp();
      await syncFd(handle);
      // Forgotten before the close: a descriptor number is reused at once, never closed twice.
      this.#handle = undefined;
      await closeFd(handle);
    } catch (cause) {
      return failWith(cause instanceof CpmError ? cause : new CpmError('ERR_FILE_WRITE', `cannot flush ${this.tempPath}`, { cause }));
    }
    // RFC 5547 §5 size: the announced size must be exactly the bytes received, with no gaps.
    if (!this.#ranges.covers(expected.size)) {
      const got = this.#ranges.toArray().map((s) => `${s.start}-${s.end}`).join(',') || 'nothing';
      return failWith(new CpmError('ERR_FILE_SIZE_MISMATCH', `expected bytes 1-${expected.size}, received ${got}`));
    }
    let actual: FileHash;
    try {
      const sha1 = expected.hash === undefined || expected.hash.algorithm === 'sha-1';
      const fromWorker = sha1 && this.#worker !== undefined ? await this.#worker.digest() : undefined;
      if (!sha1) this.#worker?.drop();
      const inOrder = this.#hasher !== undefined && sha1;
      actual = fromWorker ?? (inOrder ? (this.#hasher as Sha1Hasher).digest() : await hashFile(this.tempPath, expected.hash?.algorithm ?? 'sha-1'));
    } catch (cause) {
      return failWith(cause instanceof CpmError ? cause : new CpmError('ERR_FILE_READ', 'cannot hash the received file', { cause }));
    }
    // RFC 5547 §5 hash: the sender's hash of the whole file must match what arrived.
    if (expected.hash !== undefined && (expected.hash.algorithm !== actual.algorithm || expected.hash.digest.toUpperCase() !== actual.digest)) {
      return failWith(new CpmError('ERR_FILE_HASH_MISMATCH', `${actual.algorithm} ${actual.digest} does not match the offered ${expected.hash.digest}`));
    }
    const published = await this.#publish();
    if (!published.ok) return failWith(published.error);
    this.#state = 'done';
    this.#dropPool();
    liveTempPaths.delete(this.tempPath);
    return ok({ path: published.value, size: expected.size, hash: actual });
  }

  /**
   * Gives up: the temporary file is removed. Safe to call more than once; a no-op once finalize()
   * has started (finalize removes the temporary file itself on failure).
   */
  async abort(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'aborted';
    // Settles every write's promise (callers may wait on the last one) before the file goes.
    await this.#startFlush();
    await this.#discard('aborted');
  }

  async #discard(state: WriterState): Promise<void> {
    this.#state = state;
    this.#dropPool();
    this.#worker?.drop();
    // A deferred writer may still be opening its file: wait for that, so the file is removed too.
    await this.#opening?.catch(() => undefined);
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle !== undefined) await closeFd(handle).catch(() => undefined);
    try {
      await unlink(this.tempPath).catch((error: unknown) => {
        if (!isCode(error, 'ENOENT')) throw new CpmError('ERR_FILE_WRITE', `cannot remove ${this.tempPath}`, { cause: error });
      });
    } finally {
      liveTempPaths.delete(this.tempPath);
    }
  }

  // Hard-linking fails with EEXIST instead of replacing, so an existing file is never overwritten;
  // where links are not supported, an exclusive create reserves the name before the rename.
  async #publish(): Promise<Result<string>> {
    for (let n = 0; n < MAX_COLLISIONS; n++) {
      const target = resolveInsideFolder(this.folder, collisionName(this.fileName, n));
      if (!target.ok) return target;
      try {
        await link(this.tempPath, target.value);
        await unlink(this.tempPath);
        return ok(target.value);
      } catch (error) {
        if (isCode(error, 'EEXIST')) continue;
        if (!isCode(error, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK')) {
          return fail(new CpmError('ERR_FILE_WRITE', `cannot publish ${target.value}`, { cause: error }));
        }
      }
      try {
        const placeholder = await open(target.value, 'wx', 0o600);
        await placeholder.close();
        await rename(this.tempPath, target.value);
        return ok(target.value);
      } catch (error) {
        if (isCode(error, 'EEXIST')) continue;
        return fail(new CpmError('ERR_FILE_WRITE', `cannot publish ${target.value}`, { cause: error }));
      }
    }
    return fail(new CpmError('ERR_FILE_WRITE', `more than ${MAX_COLLISIONS} files named like ${this.fileName} in ${this.folder}`));
  }

  /** Where the file would go, for display before it is complete. */
  get plannedPath(): string {
    return join(this.folder, this.fileName);
  }
}
